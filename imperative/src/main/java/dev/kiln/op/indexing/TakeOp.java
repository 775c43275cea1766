package dev.kiln.op.indexing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
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

/**
 * MXNet's {@code take}: slices of {@code a} along {@code axis} at the positions in {@code indices}; the output shape
 * is {@code a.shape[:axis] + indices.shape + a.shape[axis+1:]}. Out-of-range indices follow {@code mode}, which
 * defaults to {@code clip} as in MXNet.
 */
public final class TakeOp extends OpDef {
    public static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, 0,
            "axis of a to take from, in [-r, r-1]");
    public static final AttrSpec<String> MODE = AttrSpec.of("mode", AttrType.oneOf("raise", "wrap", "clip"), "clip",
            "out-of-range indices: clip to the ends, wrap around, or raise an error");

    public TakeOp() {
        super("take", OpFamily.INDEXING, List.of("a", "indices"), List.of(AXIS, MODE), "_npi_take");
    }

    @Override
    public String doc() {
        return "slices of an array along an axis at given indices";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(0));
    }

    /** The output keeps input 0's dtype; the index input may have any dtype. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape a = in.get(0);
        int axis = axis(attrs, a);
        return List.of(a.slice(0, axis).concat(in.get(1)).concat(a.slice(axis + 1, a.rank())));
    }

    /**
     * The output is a's dims before the axis, the indices' dims, then a's dims after the axis; once a's rank is known
     * either side gives the other's dims.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape a = slots.input(0);
        Shape out = slots.output(0);
        if (ShapeSlots.isRankKnown(a)) {
            int axis = axis(slots.attrs(), a);
            Shape idx = slots.input(1);
            if (!ShapeSlots.isRankKnown(idx) && ShapeSlots.isRankKnown(out) && out.rank() >= a.rank() - 1) {
                idx = ShapeSlots.unknownDims(out.rank() - a.rank() + 1);
            }
            if (ShapeSlots.isRankKnown(idx)) {
                int ni = idx.rank();
                if (ShapeSlots.isRankKnown(out) && out.rank() == a.rank() + ni - 1) {
                    slots.learnInput(0, out.slice(0, axis).concat(Shape.partial(Shape.UNKNOWN))
                            .concat(out.slice(axis + ni, out.rank())));
                    slots.learnInput(1, out.slice(axis, axis + ni));
                }
                a = slots.input(0);
                slots.assignOutput(0, a.slice(0, axis).concat(slots.input(1)).concat(a.slice(axis + 1, a.rank())));
            }
        }
        slots.forward();
    }

    private int axis(Attrs attrs, Shape a) {
        int axis = attrs.get(AXIS);
        int r = a.rank();
        if (axis < -r || axis >= r) {
            throw error("attribute 'axis' = " + axis + " is out of range [-" + r + ", " + (r - 1) + "] for input 'a' "
                    + "of shape " + a);
        }
        return axis < 0 ? axis + r : axis;
    }

    /** The gradient of {@code a} scatter-adds by {@code _backward_take}; the indices get none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("_backward_take", g.attrs().values(), g.outGrad(0), g.input(1), g.input(0)), null);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray a = call.input(0);
        NDArray indices = call.input(1);
        Shape s = a.shape();
        int axis = axis(call.attrs(), s);
        int[] idx = IndexMode.of(call.attr(MODE)).resolveAll(this, "indices", indices, s.get(axis), axis, s);
        NDArray out = call.newOutput(0);
        int outer = s.sizeOf(0, axis);
        int dim = s.get(axis);
        int inner = s.sizeOf(axis + 1, s.rank());
        int n = idx.length;
        Object src = a.data();
        Object dst = out.data();
        Parallel.forRange(outer * n, Math.max(1, (1 << 14) / Math.max(1, inner)), (from, to) -> {
            for (int row = from; row < to; row++) {
                int o = row / n;
                int i = row % n;
                System.arraycopy(src, (o * dim + idx[i]) * inner, dst, row * inner, inner);
            }
        });
        return List.of(out);
    }
}
