package dev.kiln.rnn;

import dev.kiln.op.rnn.RnnMode;

/**
 * A multi-layer GRU (Gluon's {@code rnn.GRU}), computed by the fused {@code RNN} op in cuDNN's form: gates reset,
 * update and new stacked in that order in weights of {@code (3*hiddenSize, inputSize)} and {@code (3*hiddenSize,
 * hiddenSize)}, the reset gate scaling the h2h product: {@code n = tanh(W_in x + b_in + r*(W_hn h + b_hn))},
 * {@code h_t = (1-z)*n + z*h_(t-1)}.
 */
public class GRU extends RecurrentLayer {

    /** One layer, Gluon's other defaults. */
    public GRU(int hiddenSize) {
        this(builder(hiddenSize));
    }

    public GRU(int hiddenSize, int numLayers) {
        this(builder(hiddenSize).numLayers(numLayers));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(int hiddenSize) {
        return new Builder(hiddenSize);
    }

    protected GRU(Builder b) {
        super(b, RnnMode.GRU, "gru");
    }

    /** Gluon's {@code rnn.GRU} arguments beyond {@code hidden_size}. */
    public static final class Builder extends RecurrentLayer.Builder<Builder, GRU> {
        private Builder(int hiddenSize) {
            super(hiddenSize);
        }

        @Override
        public GRU build() {
            return new GRU(this);
        }
    }
}
