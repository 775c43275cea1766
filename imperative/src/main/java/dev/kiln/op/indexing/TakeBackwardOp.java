package dev.kiln.op.indexing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Invocation;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * {@code _backward_take(ograd, indices, a)}: the gradient of {@code take} with respect to {@code a}, whose shape it
 * takes: every slice of {@code ograd} is added at the position along {@code axis} its index resolves to under
 * {@code mode}, so repeated (or clipped, or wrapped) indices accumulate.
 */
final class TakeBackwardOp extends IndexedScatterAddOp {

    TakeBackwardOp() {
        super(new TakeOp(), List.of("ograd", "indices", "a"), List.of(TakeOp.AXIS, TakeOp.MODE));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray ograd = call.input(0);
        NDArray indices = call.input(1);
        Shape s = call.outputShapes().get(0);
        int axis = Math.floorMod(call.attr(TakeOp.AXIS), s.rank());
        int[] idx = IndexMode.of(call.attr(TakeOp.MODE)).resolveAll(this, "indices", indices, s.get(axis), axis, s);
        NDArray out = call.newOutput(0);
        int dim = s.get(axis);
        int inner = s.sizeOf(axis + 1, s.rank());
        int n = idx.length;
        Object src = ograd.data();
        Object dst = out.data();
        Parallel.forRange(s.sizeOf(0, axis), Math.max(1, (1 << 14) / Math.max(1, n * inner)), (from, to) -> {
            for (int o = from; o < to; o++) {
                for (int i = 0; i < n; i++) {
                    add(out.dtype(), src, (o * n + i) * inner, dst, (o * dim + idx[i]) * inner, inner);
                }
            }
        });
        return List.of(out);
    }
}
