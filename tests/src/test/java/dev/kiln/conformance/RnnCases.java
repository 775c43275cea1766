package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.rnn.RnnGeometry;
import dev.kiln.op.rnn.RnnMode;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.random;

/**
 * Case table entries for the fused {@code RNN} op: every mode with one and two layers, one and two directions, with
 * and without state outputs, on random sizes; float64; dropout between layers outside training (MXNet and Kiln draw
 * different masks, so training with {@code p > 0} is not compared). Projection, state clipping and
 * {@code use_sequence_length}, which Kiln rejects, stay out of the table.
 */
final class RnnCases {
    private RnnCases() {
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        for (String mode : List.of("rnn_relu", "rnn_tanh", "lstm", "gru")) {
            for (int layers = 1; layers <= 2; layers++) {
                for (boolean bidirectional : List.of(false, true)) {
                    int l = layers;
                    specs.add(random("RNN " + mode + " " + layers + " layer(s)" + (bidirectional ? " bidirectional" : ""),
                            2, r -> rnn(r, mode, l, bidirectional, DType.FLOAT32).attr("state_outputs", r.bool())));
                }
            }
        }
        specs.add(random("RNN float64", 4, r -> rnn(r, r.pick("rnn_tanh", "lstm", "gru"), r.intIn(1, 2), r.bool(),
                DType.FLOAT64).attr("state_outputs", true)));
        specs.add(random("RNN dropout outside training", 2, r -> rnn(r, r.pick("lstm", "gru"), 2, r.bool(),
                DType.FLOAT32).attr("p", "0.3").attr("state_outputs", true)));
        specs.add(random("RNN as _npx_rnn", 1, r -> rnn(r, "lstm", 1, false, DType.FLOAT32).as("_npx_rnn")));
        specs.add(random("RNN with a parameter vector of the wrong length", 1, r -> {
            OpCase c = rnn(r, "gru", 1, false, DType.FLOAT32);
            List<NDArray> in = new ArrayList<>(c.inputs());
            in.set(1, r.floats(Shape.of(in.get(1).size() + 1)));
            return new OpCase(c.op(), c.attrs(), in, null, false, false, false).expectRejected();
        }));
        specs.add(random("_rnn_param_concat", 3, r -> {
            int n = r.intIn(2, 4);
            List<NDArray> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parts.add(r.floats(Shape.of(r.intIn(1, 6))));
            }
            return OpCase.of("_rnn_param_concat", parts).attr("num_args", n).attr("dim", 0);
        }));
        return specs;
    }

    /** {@code mode} on random sizes: data {@code (T, N, C)}, the parameter vector, the initial states. */
    private static OpCase rnn(CaseRandom r, String mode, int layers, boolean bidirectional, DType t) {
        int seq = r.intIn(1, 4);
        int batch = r.intIn(1, 3);
        int input = r.intIn(1, 4);
        int hidden = r.intIn(1, 4);
        int dirs = bidirectional ? 2 : 1;
        long size = RnnGeometry.paramSize(RnnMode.of(mode), layers, dirs, input, hidden);
        Shape state = Shape.of(layers * dirs, batch, hidden);
        List<NDArray> in = new ArrayList<>(List.of(r.array(Shape.of(seq, batch, input), t, -2, 2),
                r.array(Shape.of((int) size), t, -0.8, 0.8), r.array(state, t, -1, 1)));
        if (mode.equals("lstm")) {
            in.add(r.array(state, t, -1, 1));
        }
        return OpCase.of("RNN", in).attr("state_size", hidden).attr("num_layers", layers).attr("mode", mode)
                .attr("bidirectional", bidirectional);
    }
}
