package dev.kiln.op.indexing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Invocation;
import dev.kiln.op.reduce.ReduceAxes;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * {@code _backward_pick(ograd, index, data)}: the gradient of {@code pick} with respect to {@code data}, whose shape
 * it takes: each element of {@code ograd} lands at the position along {@code axis} its index resolves to under
 * {@code mode}, zeros elsewhere.
 */
final class PickBackwardOp extends IndexedScatterAddOp {

    PickBackwardOp() {
        super(new PickOp(), List.of("ograd", "index", "data"), List.of(PickOp.AXIS, PickOp.KEEPDIMS, PickOp.MODE));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray ograd = call.input(0);
        NDArray index = call.input(1);
        Shape s = call.outputShapes().get(0);
        int axis = ReduceAxes.checkAxis(this, s, call.attr(PickOp.AXIS));
        int m = s.get(axis);
        int trailing = s.sizeOf(axis + 1, s.rank());
        int[] idx = IndexMode.of(call.attr(PickOp.MODE)).resolveAll(this, "index", index, m, axis, s);
        NDArray out = call.newOutput(0);
        Object src = ograd.data();
        Object dst = out.data();
        // every lane (lead, t) receives exactly one element, so chunks never write the same place
        Parallel.forRange(idx.length, 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) {
                add(out.dtype(), src, i, dst, ((i / trailing) * m + idx[i]) * trailing + i % trailing, 1);
            }
        });
        return List.of(out);
    }
}
