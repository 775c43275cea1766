package dev.kiln.op.rnn;

import java.util.Locale;

/**
 * The recurrent cells the fused {@code RNN} op computes, by MXNet's {@code mode} names, with the number of gates each
 * stacks in its weight rows: Elman cells with relu or tanh (one), LSTM (four, in MXNet's order input, forget, cell,
 * output) and GRU (three: reset, update, new; the reset gate scales the h2h product, as in cuDNN).
 */
public enum RnnMode {
    RNN_RELU(1), RNN_TANH(1), LSTM(4), GRU(3);

    private final int gates;

    RnnMode(int gates) {
        this.gates = gates;
    }

    /** Rows of the i2h and h2h weights per hidden unit. */
    public int gates() {
        return gates;
    }

    /** MXNet's name of this mode ({@code rnn_relu}, {@code lstm}, ...). */
    public String mxnetName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode MXNet calls {@code name}. */
    public static RnnMode of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** True for LSTM, the one mode with a cell state beside the hidden state. */
    public boolean hasCellState() {
        return this == LSTM;
    }
}
