package dev.kiln.rnn;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * An Elman RNN cell (Gluon's {@code rnn.RNNCell}): {@code h' = act(W_ih x + b_ih + W_hh h + b_hh)}, with
 * {@code tanh} by default; the output is the new state.
 */
public class RNNCell extends GateCell {
    private final String activation;

    public RNNCell(int hiddenSize) {
        this(builder(hiddenSize));
    }

    /** A cell with {@code activation} ({@code tanh}, {@code relu}, {@code sigmoid}, {@code softsign}, ...). */
    public RNNCell(int hiddenSize, String activation) {
        this(builder(hiddenSize).activation(activation));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(int hiddenSize) {
        return new Builder(hiddenSize);
    }

    protected RNNCell(Builder b) {
        super(b, "rnn", 1, 1);
        this.activation = b.activation;
    }

    @Override
    protected <T> List<T> cellStep(F<T> F, T x, List<T> states, ParameterValues<T> p, String t) {
        List<T> a = affine(F, x, states.get(0), p.asMap(), hiddenSize(), t);
        T out = activate(F, F.elemwiseAdd(a.get(0), a.get(1), Map.of("name", t + "plus0")), activation, t + "out");
        return List.of(out, out);
    }

    /** Gluon's repr: {@code RNNCell(None -> 10, tanh)}. */
    @Override
    public String toString() {
        return "RNNCell(" + mapping() + ", " + activation + ")";
    }

    /** Gluon's {@code rnn.RNNCell} arguments beyond {@code hidden_size}. */
    public static final class Builder extends RecurrentBuilder<Builder, RNNCell> {
        private String activation = "tanh";

        private Builder(int hiddenSize) {
            super(hiddenSize);
        }

        /** The activation (default {@code tanh}). */
        public Builder activation(String a) {
            this.activation = a;
            return this;
        }

        @Override
        public RNNCell build() {
            return new RNNCell(this);
        }
    }
}
