package dev.kiln.op.rnn;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The recurrent ops: MXNet's fused {@code RNN}, its gradient {@code _backward_RNN}, and {@code _rnn_param_concat},
 * which joins a recurrent layer's weights into the fused op's parameter vector.
 */
public final class RnnOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        RNNOp rnn = new RNNOp();
        return List.of(rnn, new RNNBackwardOp(rnn), new RnnParamConcatOp());
    }
}
