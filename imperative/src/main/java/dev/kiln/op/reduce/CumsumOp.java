package dev.kiln.op.reduce;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code _np_cumsum} (alias {@code cumsum}): running sums along {@code axis}, or over the flattened array
 * (shape {@code (size,)}) when axis is None. The output dtype is {@code dtype} if given, else the input's (bool
 * becomes int64). An integer output casts each input element to it before adding, as MXNet does; a floating output
 * accumulates in double and rounds each running sum. The gradient is the running sum of the output gradient taken
 * from the far end (reverse, cumsum, reverse), reshaped to the input when the axis is None.
 */
public final class CumsumOp extends OpDef {
    public static final AttrSpec<Integer> AXIS = AttrSpec.optional("axis", AttrType.INT,
            "axis of the running sum; None uses the flattened array");
    public static final AttrSpec<DType> DTYPE = AttrSpec.optional("dtype",
            DTypeChoice.of(DType.FLOAT16, DType.FLOAT32, DType.FLOAT64, DType.INT8, DType.INT32, DType.INT64),
            "dtype of the output and accumulator; None keeps the input dtype");

    /** Neighbouring lanes summed together, so each row of the running sum is read contiguously. */
    private static final int TILE = 256;

    public CumsumOp() {
        super("_np_cumsum", OpFamily.REDUCE, List.of("a"), List.of(AXIS, DTYPE), "cumsum");
    }

    @Override
    public String doc() {
        return "cumulative sum along an axis";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        DType d = attrs.get(DTYPE);
        if (d != null) {
            return List.of(d);
        }
        return List.of(in.get(0) == DType.BOOL ? DType.INT64 : in.get(0));
    }

    /**
     * The output has {@code dtype} if given; otherwise the input's dtype (int64 for bool), so an output other than
     * int64 gives the input its own dtype.
     */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        DType d = slots.attrs().get(DTYPE);
        if (d != null) {
            slots.assignOutput(0, d);
        } else if (slots.input(0) == null && slots.output(0) != null && slots.output(0) != DType.INT64) {
            slots.assignInput(0, slots.output(0));
        }
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape s = in.get(0);
        Integer axis = attrs.get(AXIS);
        if (axis == null) {
            return List.of(Shape.of(s.size()));
        }
        if (axis < -s.rank() || axis >= s.rank()) {
            throw error("attribute 'axis' = " + axis + " is out of range for input 'a' of shape " + s);
        }
        return List.of(s);
    }

    /**
     * Along an axis the output has the input's shape, known dims flowing either way; flattened ({@code axis=None}) it
     * is 1-d with the input's size, unknown while any input dim is, as in MXNet.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        if (slots.attrs().get(AXIS) != null) {
            slots.unify(new int[] {0}, new int[] {0});
            slots.forward();
        } else {
            slots.forwardFromRank(s -> Shape.partial(ShapeSlots.product(s, 0, s.rank())));
        }
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        NDArray out = call.newOutput(0);
        Shape s = in.shape();
        Integer axis = call.attr(AXIS);
        int middle;
        int inner;
        if (axis == null) {
            middle = s.size();
            inner = 1;
        } else {
            int a = axis < 0 ? axis + s.rank() : axis;
            middle = s.get(a);
            inner = s.sizeOf(a + 1, s.rank());
        }
        if (middle == 0 || s.size() == 0) {
            return List.of(out);
        }
        int outer = s.size() / middle / inner;
        int width = Math.min(inner, TILE);
        int perOuter = (inner + width - 1) / width;
        DType it = in.dtype();
        DType ot = out.dtype();
        Object id = in.data();
        Object od = out.data();
        int m = middle;
        Parallel.forRange(outer * perOuter, Math.max(1, (1 << 14) / (m * width)), (from, to) -> {
            double[] acc = new double[width];
            long[] lacc = new long[width];
            for (int tile = from; tile < to; tile++) {
                int o = tile / perOuter;
                int c0 = tile % perOuter * width;
                int w = Math.min(width, inner - c0);
                java.util.Arrays.fill(acc, 0);
                java.util.Arrays.fill(lacc, 0);
                for (int j = 0; j < m; j++) {
                    int row = (o * m + j) * inner + c0;
                    if (id instanceof float[] a && od instanceof float[] b) {
                        for (int k = 0; k < w; k++) {
                            acc[k] += a[row + k];
                            b[row + k] = (float) acc[k];
                        }
                    } else if (ot.isIntegral()) {
                        for (int k = 0; k < w; k++) {
                            long v = it.isIntegral() ? Storage.getLong(it, id, row + k)
                                    : (long) Casting.roundTo(ot, Storage.get(it, id, row + k));
                            lacc[k] = LaneReducer.wrap(ot, lacc[k] + v);
                            Storage.setLong(ot, od, row + k, lacc[k]);
                        }
                    } else {
                        for (int k = 0; k < w; k++) {
                            acc[k] += Storage.get(it, id, row + k);
                            Storage.set(ot, od, row + k, acc[k]);
                        }
                    }
                }
            }
        });
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Integer axis = g.attr(AXIS);
        int a = axis == null ? 0 : axis;
        Map<String, Object> flip = Map.of("axis", new int[] {a});
        T reversed = g.apply("reverse", flip, g.outGrad(0));
        T sums = g.apply("reverse", flip, g.apply(name(), Map.of("axis", a), reversed));
        return g.grads(axis == null ? g.apply("reshape_like", sums, g.input(0)) : sums);
    }
}
