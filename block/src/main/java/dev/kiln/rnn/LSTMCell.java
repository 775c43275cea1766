package dev.kiln.rnn;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * An LSTM cell (Gluon's {@code rnn.LSTMCell}), the fused op's math on one step: gates input, forget, cell, output
 * in that order in the weights' rows, {@code c' = f*c + i*g}, {@code h' = o*act(c')}; states {@code [h, c]}. The
 * gate activation ({@code recurrentActivation}, sigmoid) and the cell activation (tanh) can be changed, as in Gluon.
 */
public class LSTMCell extends GateCell {
    private final String activation;
    private final String recurrentActivation;

    public LSTMCell(int hiddenSize) {
        this(builder(hiddenSize));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(int hiddenSize) {
        return new Builder(hiddenSize);
    }

    protected LSTMCell(Builder b) {
        super(b, "lstm", 4, 2);
        this.activation = b.activation;
        this.recurrentActivation = b.recurrentActivation;
    }

    @Override
    protected <T> List<T> cellStep(F<T> F, T x, List<T> states, ParameterValues<T> p, String t) {
        List<T> a = affine(F, x, states.get(0), p.asMap(), 4 * hiddenSize(), t);
        T gates = F.elemwiseAdd(a.get(0), a.get(1), Map.of("name", t + "plus0"));
        List<T> g = F.split(gates, 4, Map.of("name", t + "slice"));
        T in = activate(F, g.get(0), recurrentActivation, t + "i");
        T forget = activate(F, g.get(1), recurrentActivation, t + "f");
        T transform = activate(F, g.get(2), activation, t + "c");
        T out = activate(F, g.get(3), recurrentActivation, t + "o");
        T nextC = F.elemwiseAdd(F.elemwiseMul(forget, states.get(1), Map.of("name", t + "mul0")),
                F.elemwiseMul(in, transform, Map.of("name", t + "mul1")), Map.of("name", t + "state"));
        T nextH = F.elemwiseMul(out, F.activation(nextC, activation, Map.of("name", t + "activation0")),
                Map.of("name", t + "out"));
        return List.of(nextH, nextH, nextC);
    }

    /** Gluon's repr: {@code LSTMCell(None -> 40)} (the weights' rows: four gates). */
    @Override
    public String toString() {
        return "LSTMCell(" + mapping() + ")";
    }

    /** Gluon's {@code rnn.LSTMCell} arguments beyond {@code hidden_size}. */
    public static final class Builder extends RecurrentBuilder<Builder, LSTMCell> {
        private String activation = "tanh";
        private String recurrentActivation = "sigmoid";

        private Builder(int hiddenSize) {
            super(hiddenSize);
        }

        /** The activation of the cell candidate and of the cell state (default {@code tanh}). */
        public Builder activation(String a) {
            this.activation = a;
            return this;
        }

        /** The activation of the input, forget and output gates (default {@code sigmoid}). */
        public Builder recurrentActivation(String a) {
            this.recurrentActivation = a;
            return this;
        }

        @Override
        public LSTMCell build() {
            return new LSTMCell(this);
        }
    }
}
