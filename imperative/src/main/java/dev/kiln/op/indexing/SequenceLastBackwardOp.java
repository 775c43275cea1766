package dev.kiln.op.indexing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * {@code _backward_SequenceLast(ograd, data[, sequence_length])}: the gradient of {@code SequenceLast} with respect
 * to {@code data}, whose shape it takes: each batch entry's row of {@code ograd} at its last valid time step, zeros
 * elsewhere.
 */
final class SequenceLastBackwardOp extends ScatterAddOp {

    SequenceLastBackwardOp() {
        super(new SequenceLastOp(), List.of("ograd", "data", "sequence_length"),
                List.of(SequenceOp.USE_SEQUENCE_LENGTH, SequenceOp.AXIS));
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        return attrs.get(SequenceOp.USE_SEQUENCE_LENGTH) ? declaredInputs() : declaredInputs().subList(0, 2);
    }

    @Override
    protected Shape resultShape(Attrs attrs, List<Shape> in) {
        return in.get(1);
    }

    @Override
    protected List<Shape> forwardInputs(Attrs attrs, List<Shape> in, Shape result) {
        return in.subList(1, in.size());
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray ograd = call.input(0);
        Shape data = call.outputShapes().get(0);
        int axis = call.attr(SequenceOp.AXIS);
        int time = data.get(axis);
        int batch = data.get(1 - axis);
        int rest = data.sizeOf(2, data.rank());
        NDArray out = call.newOutput(0);
        if (batch == 0 || rest == 0) {
            return List.of(out);
        }
        NDArray given = call.attr(SequenceOp.USE_SEQUENCE_LENGTH) ? call.input(2) : null;
        int[] len = SequenceOp.lengths(this, given, axis, batch, time, 1, time, data);
        for (int b = 0; b < batch; b++) {
            int s = len[b] - 1;
            int start = (axis == 0 ? s * batch + b : b * time + s) * rest;
            add(out.dtype(), ograd.data(), b * rest, out.data(), start, rest);
        }
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T gg = g.outGrad(0);
        if (g.numInputs() == 3) {
            return g.grads(g.apply("SequenceLast", g.attrs().values(), gg, g.input(2)), null, null);
        }
        return g.grads(g.apply("SequenceLast", g.attrs().values(), gg), null);
    }
}
