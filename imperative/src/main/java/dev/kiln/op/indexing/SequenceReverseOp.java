package dev.kiln.op.indexing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * MXNet's {@code SequenceReverse}: for each batch entry, the first {@code sequence_length} time steps in reverse
 * order, later steps unchanged (all steps without {@code use_sequence_length}). Only {@code axis=0} is supported, as
 * in MXNet; lengths must lie in {@code [0, time]}.
 */
public final class SequenceReverseOp extends SequenceOp {

    public SequenceReverseOp() {
        super("SequenceReverse", attrs(), false);
    }

    @Override
    public String doc() {
        return "reverses the valid part of each sequence";
    }

    @Override
    protected Shape outputShape(Shape data, int axis) {
        return data;
    }

    @Override
    protected Shape dataFromOutput(Shape out, int axis) {
        return out;
    }

    /** Reversing is its own inverse: the output gradient reversed alike; {@code sequence_length} gets none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return sequenceGradient(g, "SequenceReverse", g.attrs().values());
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        int[] g = geometry(data.shape(), 0);
        int time = g[0];
        int batch = g[1];
        int rest = g[2];
        int[] len = lengths(call.inputs(), call.attrs(), batch, time, 0, time, data.shape());
        NDArray out = call.newOutput(0);
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < time; s++) {
                int from = s < len[b] ? len[b] - 1 - s : s;
                System.arraycopy(data.data(), (from * batch + b) * rest, out.data(), (s * batch + b) * rest, rest);
            }
        }
        return List.of(out);
    }
}
