package dev.kiln.op.reduce;

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
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code _broadcast_reduced_like(data, like)}: {@code data}, shaped like the result of reducing {@code like} with
 * these {@code axis}, {@code keepdims} and {@code exclude}, put back over the reduced axes to {@code like}'s shape and
 * dtype (divided by the number of reduced elements with {@code mean}). It carries a reduction's gradient back to the
 * input without the rule reading shapes; its own gradient is that reduction ({@code sum} or {@code mean}) again.
 */
final class BroadcastReducedLikeOp extends OpDef {
    static final String NAME = "_broadcast_reduced_like";
    static final AttrSpec<Boolean> MEAN = AttrSpec.of("mean", AttrType.BOOL, false,
            "divide by the number of reduced elements (the gradient of mean)");

    BroadcastReducedLikeOp() {
        super(NAME, OpFamily.REDUCE, List.of("data", "like"),
                List.of(AxesReduceOp.AXIS, AxesReduceOp.KEEPDIMS, AxesReduceOp.EXCLUDE, MEAN));
    }

    @Override
    public String doc() {
        return "Broadcasts a reduction's result back over the reduced axes of like";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(1));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        Shape like = in.get(1);
        if (data.isKnown() && like.isKnown()) {
            Shape reduced = axes(attrs, like).outShape();
            if (!reduced.equals(data)) {
                throw error("data of shape " + data + " is not the reduction of like " + like + " over axis="
                        + attrs.get(AxesReduceOp.AXIS) + " (keepdims=" + attrs.get(AxesReduceOp.KEEPDIMS)
                        + ", exclude=" + attrs.get(AxesReduceOp.EXCLUDE) + "), which has shape " + reduced);
            }
        }
        return List.of(like);
    }

    /** The output has like's shape and dtype. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.forward();
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.forward();
    }

    private ReduceAxes axes(Attrs attrs, Shape like) {
        return ReduceAxes.of(this, like, attrs.get(AxesReduceOp.AXIS), attrs.get(AxesReduceOp.KEEPDIMS),
                attrs.get(AxesReduceOp.EXCLUDE));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        Shape like = call.outputShapes().get(0);
        boolean[] reduced = axes(call.attrs(), like).reduced();
        int[] kept = like.dims();
        long count = 1;
        for (int d = 0; d < kept.length; d++) {
            if (reduced[d]) {
                count *= kept[d];
                kept[d] = 1;
            }
        }
        NDArray out = Ops.call("broadcast_to", Map.of("shape", like.dims()), data.detach().reshape(Shape.of(kept)));
        DType t = call.outputTypes().get(0);
        if (out.dtype() != t) {
            out = out.astype(t);
        }
        if (call.attr(MEAN)) {
            out = Ops.call("_div_scalar", Map.of("scalar", (double) count), out);
        }
        return List.of(call.wrapOutput(0, out.data()));
    }

    /** Linear in {@code data}: the gradient reduces over the same axes again. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Attrs a = g.attrs();
        Map<String, Object> reduce = new HashMap<>();
        reduce.put("axis", a.get(AxesReduceOp.AXIS));
        reduce.put("keepdims", a.get(AxesReduceOp.KEEPDIMS));
        reduce.put("exclude", a.get(AxesReduceOp.EXCLUDE));
        return g.grads(g.apply(a.get(MEAN) ? "mean" : "sum", reduce, g.outGrad(0)), null);
    }
}
