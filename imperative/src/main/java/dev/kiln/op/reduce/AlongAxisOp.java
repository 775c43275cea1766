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

import java.util.List;
import java.util.Map;

/**
 * The pair that carries {@code sort} and {@code topk} gradients, each the other's gradient so that they can be
 * differentiated again. {@code _take_along_axis(data, indices)} picks, in every lane along {@code axis}, the elements
 * at {@code indices} (NumPy's {@code take_along_axis}); {@code _scatter_along_axis(data, indices, like)} adds every
 * element of {@code data} at its index into zeros shaped like {@code like}. With {@code axis=None} the indices address
 * the flattened array. {@code indices} has {@code data}'s rank (1-D with None) and matches it off the axis.
 */
final class AlongAxisOp extends OpDef {
    static final String TAKE = "_take_along_axis";
    static final String SCATTER = "_scatter_along_axis";
    static final AttrSpec<Integer> AXIS = AttrSpec.optional("axis", AttrType.INT,
            "axis along which the indices select; None addresses the flattened array");

    private final boolean scatter;

    private AlongAxisOp(boolean scatter) {
        super(scatter ? SCATTER : TAKE, OpFamily.REDUCE,
                scatter ? List.of("data", "indices", "like") : List.of("data", "indices"), List.of(AXIS));
        this.scatter = scatter;
    }

    static AlongAxisOp take() {
        return new AlongAxisOp(false);
    }

    static AlongAxisOp scatter() {
        return new AlongAxisOp(true);
    }

    @Override
    public String doc() {
        return scatter ? "Adds data at the indices along an axis into zeros shaped like like"
                : "Takes the elements at the indices along an axis";
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
        Shape full = scatter ? in.get(2) : in.get(0);
        Shape picked = scatter ? in.get(0) : in.get(1);
        Shape indices = in.get(1);
        if (!picked.equals(indices)) {
            throw error("data of shape " + picked + " and indices of shape " + indices + " must have the same shape");
        }
        Integer axis = attrs.get(AXIS);
        SortLanes.of(this, full, axis);
        boolean ok = axis == null ? indices.rank() == 1
                : indices.rank() == full.rank() && indices.with(norm(axis, full), 1).equals(full.with(norm(axis, full), 1));
        if (!ok) {
            throw error("indices of shape " + indices + " do not match an array of shape " + full + " off axis="
                    + axis);
        }
        return List.of(scatter ? full : indices);
    }

    private static int norm(int axis, Shape s) {
        return axis < 0 ? axis + s.rank() : axis;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        NDArray indices = call.input(1);
        NDArray out = call.newOutput(0);
        Shape full = scatter ? out.shape() : data.shape();
        Integer axis = call.attr(AXIS);
        SortLanes lanes = SortLanes.of(this, full, axis);
        int n = lanes.length();
        int k = axis == null ? indices.size() : indices.shape().get(norm(axis, full));
        DType t = data.dtype();
        DType it = indices.dtype();
        for (int lane = 0; lane < lanes.lanes(); lane++) {
            int fullBase = lanes.base(lane, n);
            int pickedBase = lanes.base(lane, k);
            for (int j = 0; j < k; j++) {
                int p = pickedBase + j * lanes.inner();
                long at = it.isIntegral() ? Storage.getLong(it, indices.data(), p)
                        : (long) Storage.get(it, indices.data(), p);
                if (at < 0 || at >= n) {
                    throw error("index " + at + " is out of range for an axis of " + n + " elements");
                }
                int q = fullBase + (int) at * lanes.inner();
                if (scatter) {
                    Storage.set(t, out.data(), q, Storage.get(t, out.data(), q) + Storage.get(t, data.data(), p));
                } else {
                    Storage.set(t, out.data(), p, Storage.get(t, data.data(), q));
                }
            }
        }
        return List.of(out);
    }

    /** Linear in {@code data}: take and scatter with the same indices are each other's transpose. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Map<String, Object> axis = new java.util.HashMap<>();
        axis.put("axis", g.attr(AXIS));
        if (scatter) {
            return g.grads(g.apply(TAKE, axis, g.outGrad(0), g.input(1)), null, null);
        }
        return g.grads(g.apply(SCATTER, axis, g.outGrad(0), g.input(1), g.input(0)), null);
    }
}
