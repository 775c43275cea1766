package dev.kiln.rnn;

import dev.kiln.op.rnn.RnnMode;

/**
 * A multi-layer Elman RNN, {@code h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)} with {@code relu} (Gluon's
 * default) or {@code tanh} (Gluon's {@code rnn.RNN}), computed by the fused {@code RNN} op. Weights are
 * {@code (hiddenSize, inputSize)} and {@code (hiddenSize, hiddenSize)}.
 */
public class RNN extends RecurrentLayer {

    /** One layer with relu, Gluon's other defaults. */
    public RNN(int hiddenSize) {
        this(builder(hiddenSize));
    }

    public RNN(int hiddenSize, int numLayers) {
        this(builder(hiddenSize).numLayers(numLayers));
    }

    /** {@code numLayers} layers with {@code activation} ({@code "relu"} or {@code "tanh"}). */
    public RNN(int hiddenSize, int numLayers, String activation) {
        this(builder(hiddenSize).numLayers(numLayers).activation(activation));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(int hiddenSize) {
        return new Builder(hiddenSize);
    }

    protected RNN(Builder b) {
        super(b, mode(b.activation), "rnn");
    }

    private static RnnMode mode(String activation) {
        return switch (activation) {
            case "relu" -> RnnMode.RNN_RELU;
            case "tanh" -> RnnMode.RNN_TANH;
            default -> throw new IllegalArgumentException("RNN: activation must be 'relu' or 'tanh', got '"
                    + activation + "'");
        };
    }

    /** Gluon's {@code rnn.RNN} arguments beyond {@code hidden_size}. */
    public static final class Builder extends RecurrentLayer.Builder<Builder, RNN> {
        private String activation = "relu";

        private Builder(int hiddenSize) {
            super(hiddenSize);
        }

        /** {@code "relu"} (the default) or {@code "tanh"}. */
        public Builder activation(String a) {
            this.activation = a;
            return this;
        }

        @Override
        public RNN build() {
            return new RNN(this);
        }
    }
}
