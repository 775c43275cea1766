package dev.kiln.op.reduce;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeSlots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code _sum_like(data, like)}: {@code data} summed over the axes along which {@code like} was broadcast to reach
 * {@code data}'s shape (missing leading axes and axes where {@code like} has 1), giving {@code like}'s shape. It is
 * the gradient of broadcasting with respect to the broadcast operand; its own gradient broadcasts back.
 */
final class SumLikeOp extends OpDef {
    SumLikeOp() {
        super("_sum_like", OpFamily.REDUCE, List.of("data", "like"), List.of());
    }

    @Override
    public String doc() {
        return "Sums data over the axes along which like was broadcast, giving like's shape";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        Shape like = in.get(1);
        if (data.isKnown() && like.isKnown()) {
            axes(data, like); // checks the shapes are compatible
        }
        return List.of(like);
    }

    /** The output has like's shape. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        Shape like = call.outputShapes().get(0);
        if (data.shape().equals(like)) {
            return List.of(call.wrapOutput(0, dev.kiln.ndarray.Storage.copyOf(data.data())));
        }
        NDArray summed = Ops.invoke(OpRegistry.global().get("sum"),
                OpRegistry.global().get("sum").attrs(Map.of("axis", axes(data.shape(), like), "keepdims", true)),
                List.of(data)).get(0);
        return List.of(call.wrapOutput(0, summed.data()));
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("_broadcast_to_like", g.outGrad(0), g.input(0)), null);
    }

    /** The axes of {@code data} that {@code like} broadcasts along. */
    private int[] axes(Shape data, Shape like) {
        int offset = data.rank() - like.rank();
        if (offset < 0) {
            throw error("data of shape " + data + " has fewer axes than like of shape " + like);
        }
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < data.rank(); d++) {
            int l = d < offset ? 1 : like.get(d - offset);
            if (d < offset || (l == 1 && data.get(d) != 1)) {
                axes.add(d);
            } else if (l != data.get(d)) {
                throw error("like of shape " + like + " does not broadcast to data of shape " + data);
            }
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }
}
