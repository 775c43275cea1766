package dev.kiln.op.reduce;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeSlots;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code _broadcast_to_like(data, like)}: {@code data} broadcast NumPy-style (leading axes may be missing) to
 * {@code like}'s shape. The partner of {@code _sum_like}: each is the other's gradient.
 */
final class BroadcastToLikeOp extends OpDef {
    BroadcastToLikeOp() {
        super("_broadcast_to_like", OpFamily.REDUCE, List.of("data", "like"), List.of());
    }

    @Override
    public String doc() {
        return "Broadcasts data to like's shape, NumPy style";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        Shape like = in.get(1);
        if (data.isKnown() && like.isKnown() && !Shape.broadcast(data, like).equals(like)) {
            throw error("data of shape " + data + " does not broadcast to like's shape " + like);
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
        int[] dims = new int[like.rank()];
        Arrays.fill(dims, 1);
        int offset = like.rank() - data.rank();
        for (int d = 0; d < data.rank(); d++) {
            dims[offset + d] = data.shape().get(d);
        }
        NDArray sameRank = data.detach().reshape(Shape.of(dims));
        NDArray out = Ops.call("broadcast_to", Map.of("shape", like.dims()), sameRank);
        return List.of(call.wrapOutput(0, out.data()));
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.sumLike(g.outGrad(0), g.input(0)), null);
    }
}
