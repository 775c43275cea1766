package dev.kiln.op.rnn;

import dev.kiln.ndarray.NDArray;
import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient checks of the fused {@code RNN} op (every mode, stacked, bidirectional, with state outputs and with
 * dropout between layers in training) and of {@code _rnn_param_concat}, run by {@code dev.kiln.op.OpGradientTest}
 * and the graph gradient test. Sizes stay tiny: every coordinate of the parameter vector is moved.
 */
public final class RnnGradientCases {
    private RnnGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(4242);
        List<GradientCase> c = new ArrayList<>();
        for (String mode : List.of("rnn_tanh", "rnn_relu", "lstm", "gru")) {
            c.add(rnn(r, mode, 1, false, 3, 2, 3, 2).attr("state_outputs", true)
                    .titled("RNN " + mode + ", one layer, state outputs"));
        }
        for (String mode : List.of("rnn_tanh", "lstm", "gru")) {
            c.add(rnn(r, mode, 2, true, 3, 2, 2, 2).attr("state_outputs", true)
                    .titled("RNN " + mode + ", two bidirectional layers, state outputs"));
        }
        c.add(rnn(r, "gru", 2, false, 2, 2, 3, 2).titled("RNN gru, two layers, output only"));
        c.add(rnn(r, "lstm", 2, false, 3, 2, 2, 2).attr("p", 0.4).attr("state_outputs", true)
                .titled("RNN lstm with dropout between layers in training"));
        c.add(rnn(r, "rnn_tanh", 2, true, 2, 2, 2, 2).attr("p", 0.5).predict()
                .titled("RNN rnn_tanh with dropout in predict mode (no drop)"));
        // equal parts: from the output alone, _rnn_param_concat gives every unknown input an equal share, as MXNet
        c.add(GradientCase.of("_rnn_param_concat", r.uniform(4), r.uniform(4), r.uniform(4)).attr("num_args", 3)
                .attr("dim", 0));
        return c;
    }

    /** A case on random data {@code (t, n, c)}, parameters and states for these attributes. */
    private static GradientCase rnn(GradientCase.Inputs r, String mode, int layers, boolean bidirectional, int t,
                                    int n, int c, int h) {
        RnnGeometry g = new RnnGeometry(RnnMode.of(mode), layers, bidirectional ? 2 : 1, t, n, c, h);
        List<NDArray> in = new ArrayList<>(List.of(r.uniform(t, n, c), r.uniform(-0.6, 0.6, (int) g.paramSize()),
                r.uniform(layers * g.dirs(), n, h)));
        if (g.mode().hasCellState()) {
            in.add(r.uniform(layers * g.dirs(), n, h));
        }
        return GradientCase.of("RNN", in.toArray(NDArray[]::new)).attr("state_size", h).attr("num_layers", layers)
                .attr("mode", mode).attr("bidirectional", bidirectional);
    }
}
