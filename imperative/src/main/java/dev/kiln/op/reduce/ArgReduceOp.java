package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code argmax} and {@code argmin}: the index of the first extreme value along {@code axis} (None flattens),
 * returned in the input's dtype as MXNet 1.x does (float32 indices for float32 data). A NaN counts as the extreme, so
 * the index of the first NaN is returned, matching mshadow's reducers.
 */
public final class ArgReduceOp extends OpDef {
    public static final AttrSpec<Integer> AXIS = AttrSpec.optional("axis", AttrType.INT,
            "axis to search; None searches the flattened array");
    public static final AttrSpec<Boolean> KEEPDIMS = AttrSpec.of("keepdims", AttrType.BOOL, false,
            "keep the searched axis as a dimension of size one");

    private final boolean max;

    private ArgReduceOp(String name, boolean max) {
        super(name, OpFamily.REDUCE, List.of("data"), List.of(AXIS, KEEPDIMS));
        this.max = max;
    }

    /** {@code argmax}. */
    public static ArgReduceOp argmax() {
        return new ArgReduceOp("argmax", true);
    }

    /** {@code argmin}. */
    public static ArgReduceOp argmin() {
        return new ArgReduceOp("argmin", false);
    }

    @Override
    public String doc() {
        return "index of the " + (max ? "maximum" : "minimum") + " along an axis (first occurrence)";
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape s = in.get(0);
        Integer axis = attrs.get(AXIS);
        ReduceAxes axes = ReduceAxes.single(this, s, axis, attrs.get(KEEPDIMS));
        if (axis != null && s.rank() > 0 && s.get(ReduceAxes.checkAxis(this, s, axis)) == 0) {
            throw error("input 'data' of shape " + s + " has size 0 along axis " + axis + "; cannot search it");
        }
        if (s.size() == 0) {
            throw error("input 'data' of shape " + s + " is empty; cannot search an empty sequence");
        }
        return List.of(axes.outShape());
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        NDArray out = call.newOutput(0);
        ReduceAxes axes = ReduceAxes.single(this, in.shape(), call.attr(AXIS), call.attr(KEEPDIMS));
        LanePlan plan = LanePlan.of(in.shape(), axes.reduced());
        int len = plan.laneLength();
        DType t = in.dtype();
        Object data = in.data();
        DType ot = out.dtype();
        Object od = out.data();
        Parallel.forRange(plan.outputs(), Math.max(1, (1 << 14) / len), (from, to) -> {
            int bs = Math.min(len, LaneReducer.BLOCK);
            double[] buf = t.isFloating() ? new double[bs] : null;
            long[] lbuf = t.isFloating() ? null : new long[bs];
            for (int o = from; o < to; o++) {
                int base = plan.base(o);
                int best = t.isFloating() ? searchFloating(plan, t, data, base, len, buf)
                        : searchIntegral(plan, t, data, base, len, lbuf);
                Storage.set(ot, od, o, best);
            }
        });
        return List.of(out);
    }

    private int searchFloating(LanePlan plan, DType t, Object data, int base, int len, double[] buf) {
        double best = 0;
        int at = -1;
        for (int r0 = 0; r0 < len; r0 += buf.length) {
            int n = Math.min(buf.length, len - r0);
            plan.gather(t, data, base, r0, n, buf);
            for (int i = 0; i < n; i++) {
                double v = buf[i];
                if (Double.isNaN(v)) {
                    return r0 + i;
                }
                if (at < 0 || (max ? v > best : v < best)) {
                    best = v;
                    at = r0 + i;
                }
            }
        }
        return at;
    }

    private int searchIntegral(LanePlan plan, DType t, Object data, int base, int len, long[] buf) {
        long best = 0;
        int at = -1;
        for (int r0 = 0; r0 < len; r0 += buf.length) {
            int n = Math.min(buf.length, len - r0);
            plan.gatherLong(t, data, base, r0, n, buf);
            for (int i = 0; i < n; i++) {
                long v = buf[i];
                if (at < 0 || (max ? v > best : v < best)) {
                    best = v;
                    at = r0 + i;
                }
            }
        }
        return at;
    }
}
