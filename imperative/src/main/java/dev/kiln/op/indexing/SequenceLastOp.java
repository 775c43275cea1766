package dev.kiln.op.indexing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * MXNet's {@code SequenceLast}: for each batch entry, the slice at its last valid time step
 * ({@code sequence_length - 1}, or the final step without {@code use_sequence_length}); output shape
 * {@code (batch,) + data.shape[2:]}. Lengths must lie in {@code [1, time]}.
 */
public final class SequenceLastOp extends SequenceOp {

    public SequenceLastOp() {
        super("SequenceLast", attrs(), true);
    }

    @Override
    public String doc() {
        return "the last valid time step of each sequence";
    }

    @Override
    protected Shape outputShape(Shape data, int axis) {
        return Shape.partial(data.get(1 - axis)).concat(data.slice(2, data.rank()));
    }

    @Override
    protected Shape dataFromOutput(Shape out, int axis) {
        return out.insert(axis, Shape.UNKNOWN);
    }

    /** The output gradient placed at each last valid step by {@code _backward_SequenceLast}. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T gd = g.numInputs() == 2
                ? g.apply("_backward_SequenceLast", g.attrs().values(), g.outGrad(0), g.input(0), g.input(1))
                : g.apply("_backward_SequenceLast", g.attrs().values(), g.outGrad(0), g.input(0));
        return g.numInputs() == 2 ? g.grads(gd, null) : g.grads(gd);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        int axis = call.attr(AXIS);
        int[] g = geometry(data.shape(), axis);
        int time = g[0];
        int batch = g[1];
        int rest = g[2];
        NDArray out = call.newOutput(0);
        if (batch == 0 || rest == 0) {
            return List.of(out);
        }
        int[] len = lengths(call.inputs(), call.attrs(), batch, time, 1, time, data.shape());
        for (int b = 0; b < batch; b++) {
            int s = len[b] - 1;
            int start = (axis == 0 ? s * batch + b : b * time + s) * rest;
            System.arraycopy(data.data(), start, out.data(), b * rest, rest);
        }
        return List.of(out);
    }
}
