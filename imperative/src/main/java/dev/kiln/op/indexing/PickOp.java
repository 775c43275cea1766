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
import dev.kiln.op.reduce.ReduceAxes;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code pick}: one element of {@code data} along {@code axis} per position of {@code index}, whose shape
 * is {@code data}'s without that axis (or with it as 1). Out-of-range indices are clipped (default) or wrapped;
 * {@code axis=None} is rejected, as in MXNet 1.x.
 */
public final class PickOp extends OpDef {
    public static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, -1,
            "axis to pick along; negative values count from the end");
    public static final AttrSpec<Boolean> KEEPDIMS = AttrSpec.of("keepdims", AttrType.BOOL, false,
            "keep the picked axis as a dimension of size one");
    public static final AttrSpec<String> MODE = AttrSpec.of("mode", AttrType.oneOf("wrap", "clip"), "clip",
            "out-of-range indices: clip to the ends or wrap around");

    public PickOp() {
        super("pick", OpFamily.INDEXING, List.of("data", "index"), List.of(AXIS, KEEPDIMS, MODE),
                "choose_element_0index", "_npx_pick");
    }

    @Override
    public String doc() {
        return "picks one element per lane along an axis";
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
        Shape data = in.get(0);
        Shape index = in.get(1);
        Integer axis = attrs.get(AXIS);
        if (axis == null) {
            throw error("attribute 'axis' = None is not supported; give the axis to pick along");
        }
        if (data.rank() == 0) {
            throw error("input 'data' must have rank >= 1, got shape " + data);
        }
        Shape expected = ReduceAxes.single(this, data, axis, index.rank() == data.rank()).outShape();
        if (!index.equals(expected)) {
            throw error("input 'index' has shape " + index + " but 'data' of shape " + data + " with axis=" + axis
                    + " needs " + expected);
        }
        return List.of(ReduceAxes.single(this, data, axis, attrs.get(KEEPDIMS)).outShape());
    }

    /**
     * As MXNet: once the data's rank is known the output follows, and the index takes the data's shape without the
     * axis, or with it as 1 when the index already has the data's rank.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = slots.input(0);
        Integer axis = slots.attrs().get(AXIS);
        if (axis != null && ShapeSlots.isRankKnown(data) && data.rank() > 0) {
            slots.assignOutput(0, ReduceAxes.single(this, data, axis, slots.attrs().get(KEEPDIMS)).outShape());
            Shape index = slots.input(1);
            boolean sameRank = ShapeSlots.isRankKnown(index) && index.rank() == data.rank();
            slots.assignInput(1, ReduceAxes.single(this, data, axis, sameRank).outShape());
        }
        slots.forward();
    }

    /** The gradient of {@code data} scatters by {@code _backward_pick}; the index gets none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("_backward_pick", g.attrs().values(), g.outGrad(0), g.input(1), g.input(0)), null);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        NDArray index = call.input(1);
        Shape s = data.shape();
        int axis = ReduceAxes.checkAxis(this, s, call.attr(AXIS));
        int m = s.get(axis);
        int trailing = s.sizeOf(axis + 1, s.rank());
        int[] idx = IndexMode.of(call.attr(MODE)).resolveAll(this, "index", index, m, axis, s);
        NDArray out = call.newOutput(0);
        Object src = data.data();
        Object dst = out.data();
        Parallel.forRange(idx.length, 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) {
                int lead = i / trailing;
                int t = i % trailing;
                System.arraycopy(src, (lead * m + idx[i]) * trailing + t, dst, i, 1);
            }
        });
        return List.of(out);
    }
}
