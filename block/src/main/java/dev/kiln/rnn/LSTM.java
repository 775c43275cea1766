package dev.kiln.rnn;

import dev.kiln.op.rnn.RnnMode;

/**
 * A multi-layer LSTM (Gluon's {@code rnn.LSTM}), computed by the fused {@code RNN} op: gates input, forget, cell and
 * output stacked in that order in weights of {@code (4*hiddenSize, inputSize)} and {@code (4*hiddenSize,
 * hiddenSize)}; {@code c_t = f*c_(t-1) + i*g}, {@code h_t = o*tanh(c_t)}. Its states are h and c. Gluon's projection
 * and state clipping are not implemented.
 */
public class LSTM extends RecurrentLayer {

    /** One layer, Gluon's other defaults. */
    public LSTM(int hiddenSize) {
        this(builder(hiddenSize));
    }

    public LSTM(int hiddenSize, int numLayers) {
        this(builder(hiddenSize).numLayers(numLayers));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(int hiddenSize) {
        return new Builder(hiddenSize);
    }

    protected LSTM(Builder b) {
        super(b, RnnMode.LSTM, "lstm");
    }

    /** Gluon's {@code rnn.LSTM} arguments beyond {@code hidden_size}. */
    public static final class Builder extends RecurrentLayer.Builder<Builder, LSTM> {
        private Builder(int hiddenSize) {
            super(hiddenSize);
        }

        @Override
        public LSTM build() {
            return new LSTM(this);
        }
    }
}
