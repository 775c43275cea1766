package dev.kiln.op.indexing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * {@code _backward_gather_nd(ograd, indices, data)}: the gradient of {@code gather_nd} with respect to {@code data},
 * whose shape it takes: each slice of {@code ograd} is added at the place its index tuple addresses, so repeated
 * tuples accumulate (MXNet's {@code _backward_gather_nd}, which takes the shape as an attribute instead).
 */
final class GatherNdBackwardOp extends IndexedScatterAddOp {

    GatherNdBackwardOp() {
        super(new GatherNdOp(), List.of("ograd", "indices", "data"), List.of());
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray ograd = call.input(0);
        NDArray indices = call.input(1);
        Shape ds = call.outputShapes().get(0);
        int m = indices.shape().get(0);
        int k = ds.sizeOf(m, ds.rank());
        NDArray out = call.newOutput(0);
        if (m == 0) { // every output row is all of data
            for (int i = 0, rows = ograd.size() / Math.max(1, k); i < rows; i++) {
                add(out.dtype(), ograd.data(), i * k, out.data(), 0, k);
            }
            return List.of(out);
        }
        int[] offsets = GatherNdOp.offsets(this, indices, ds, k);
        for (int i = 0; i < offsets.length; i++) {
            add(out.dtype(), ograd.data(), i * k, out.data(), offsets[i], k);
        }
        return List.of(out);
    }
}
