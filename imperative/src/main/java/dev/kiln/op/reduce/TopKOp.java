package dev.kiln.op.reduce;

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
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code topk}: the {@code k} largest (or, with {@code is_ascend}, smallest) elements along {@code axis}
 * ({@code k < 1} selects all). {@code ret_typ} picks the output: {@code indices} (default, in {@code dtype}),
 * {@code value}, {@code mask} (1 at selected positions, input dtype, input shape) or {@code both} (values and
 * indices). Ties and NaN are ordered as {@link SortLanes} describes. Only the values carry a gradient, scattered back
 * to the selected positions; indices and masks are piecewise constant, so their gradient is zero (as in MXNet).
 */
public final class TopKOp extends OpDef {
    /** Index dtypes MXNet's sort ops accept. */
    static final DTypeChoice INDEX_DTYPES = DTypeChoice.of(DType.UINT8, DType.INT32, DType.INT64, DType.FLOAT16,
            DType.FLOAT32, DType.FLOAT64);

    public static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, -1,
            "axis to select along; None uses the flattened array");
    public static final AttrSpec<Integer> K = AttrSpec.of("k", AttrType.INT, 1,
            "number of elements to select; k < 1 selects all");
    public static final AttrSpec<String> RET_TYP = AttrSpec.of("ret_typ",
            AttrType.oneOf("value", "indices", "mask", "both"), "indices", "what to return");
    public static final AttrSpec<Boolean> IS_ASCEND = AttrSpec.of("is_ascend", AttrType.BOOL, false,
            "select the smallest elements instead of the largest");
    public static final AttrSpec<DType> DTYPE = AttrSpec.of("dtype", INDEX_DTYPES, DType.FLOAT32,
            "dtype of returned indices");

    public TopKOp() {
        super("topk", OpFamily.REDUCE, List.of("data"), List.of(AXIS, K, RET_TYP, IS_ASCEND, DTYPE), "_npx_topk");
    }

    @Override
    public String doc() {
        return "top k elements, indices or mask along an axis";
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return attrs.get(RET_TYP).equals("both") ? 2 : 1;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return switch (attrs.get(RET_TYP)) {
            case "indices" -> List.of(attrs.get(DTYPE));
            case "both" -> List.of(in.get(0), attrs.get(DTYPE));
            default -> List.of(in.get(0));
        };
    }

    /** Values (and the mask) keep the data's dtype, either giving the other; indices have the {@code dtype} attribute's. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        switch (slots.attrs().get(RET_TYP)) {
            case "indices" -> slots.assignOutput(0, slots.attrs().get(DTYPE));
            case "both" -> {
                slots.unify(new int[] {0}, new int[] {0});
                slots.assignOutput(1, slots.attrs().get(DTYPE));
            }
            default -> slots.unify(new int[] {0}, new int[] {0});
        }
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape s = in.get(0);
        Integer axis = attrs.get(AXIS);
        SortLanes lanes = SortLanes.of(this, s, axis);
        int k = selected(attrs, lanes);
        String ret = attrs.get(RET_TYP);
        if (!ret.equals("value") && !ret.equals("mask")) {
            checkIndexDType(this, attrs.get(DTYPE), lanes.length());
        }
        if (ret.equals("mask")) {
            return List.of(s);
        }
        Shape target = axis == null ? Shape.of(k) : s.with(axis, k);
        return ret.equals("both") ? List.of(target, target) : List.of(target);
    }

    private int selected(Attrs attrs, SortLanes lanes) {
        int k = attrs.get(K);
        int n = lanes.length();
        if (k < 1) {
            return n;
        }
        if (k > n) {
            throw error("attribute 'k' = " + k + " exceeds the " + n + " elements along the selected axis");
        }
        return k;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        SortLanes lanes = SortLanes.of(this, in.shape(), call.attr(AXIS));
        int k = selected(call.attrs(), lanes);
        boolean ascend = call.attr(IS_ASCEND);
        NDArray first = call.newOutput(0);
        return switch (call.attr(RET_TYP)) {
            case "value" -> {
                run(lanes, in, k, ascend, first, null, null);
                yield List.of(first);
            }
            case "indices" -> {
                run(lanes, in, k, ascend, null, first, null);
                yield List.of(first);
            }
            case "mask" -> {
                run(lanes, in, k, ascend, null, null, first);
                yield List.of(first);
            }
            default -> {
                NDArray idx = call.newOutput(1);
                run(lanes, in, k, ascend, first, idx, null);
                yield List.of(first, idx);
            }
        };
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        String ret = g.attr(RET_TYP);
        if (!(ret.equals("value") || ret.equals("both")) || !g.hasOutGrad(0)) {
            return g.grads((T) null);
        }
        T x = g.input(0);
        T positions;
        if (ret.equals("both")) {
            positions = g.output(1);
        } else {
            Map<String, Object> select = new HashMap<>();
            select.put("axis", g.attr(AXIS));
            select.put("k", g.attr(K));
            select.put("is_ascend", g.attr(IS_ASCEND));
            select.put("ret_typ", "indices");
            select.put("dtype", "int64");
            positions = g.apply(name(), select, x);
        }
        Map<String, Object> along = new HashMap<>();
        along.put("axis", g.attr(AXIS));
        return g.grads(g.apply(AlongAxisOp.SCATTER, along, g.outGrad(0), positions, x));
    }

    /** Raises an error if {@code t} cannot hold every index below {@code length} exactly. */
    static void checkIndexDType(OpDef op, DType t, int length) {
        long max = switch (t) {
            case UINT8 -> 255;
            case FLOAT16 -> 2048;
            case BFLOAT16 -> 256;
            case FLOAT32 -> 1L << 24;
            case INT32 -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
        if (length - 1L > max) {
            throw op.error("attribute 'dtype' = " + t + " cannot represent the indices of " + length
                    + " elements exactly (largest exact index " + max + ")");
        }
    }

    /**
     * Orders every lane and writes the first {@code k}: values into {@code values}, positions into {@code indices},
     * ones into {@code mask} (each may be null). Output lanes hold {@code k} elements along the axis (mask: all).
     */
    static void run(SortLanes lanes, NDArray in, int k, boolean ascend, NDArray values, NDArray indices,
                    NDArray mask) {
        int n = lanes.length();
        if (n == 0 || in.size() == 0) {
            return;
        }
        DType t = in.dtype();
        Object data = in.data();
        int inner = lanes.inner();
        Parallel.forRange(lanes.lanes(), Math.max(1, (1 << 13) / n), (from, to) -> {
            SortLanes.Scratch scratch = new SortLanes.Scratch(n, t);
            for (int lane = from; lane < to; lane++) {
                lanes.order(t, data, lane, ascend, scratch);
                int inBase = lanes.base(lane, n);
                int outBase = lanes.base(lane, k);
                for (int j = 0; j < k; j++) {
                    int src = scratch.idx[j];
                    if (values != null) {
                        System.arraycopy(data, inBase + src * inner, values.data(), outBase + j * inner, 1);
                    }
                    if (indices != null) {
                        Storage.set(indices.dtype(), indices.data(), outBase + j * inner, src);
                    }
                    if (mask != null) {
                        Storage.set(mask.dtype(), mask.data(), inBase + src * inner, 1);
                    }
                }
            }
        });
    }
}
