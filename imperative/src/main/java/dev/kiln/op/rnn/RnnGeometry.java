package dev.kiln.op.rnn;

/**
 * The sizes of one application of the fused {@code RNN} op and where each weight and bias sits in its flat parameter
 * vector. MXNet's layout: every weight first, by layer, then direction (forward, backward), i2h before h2h; then every
 * bias in the same order. Layer 0's i2h weight is {@code (gates*hidden, input)}, a later layer's
 * {@code (gates*hidden, dirs*hidden)}; every h2h weight is {@code (gates*hidden, hidden)}; biases are
 * {@code (gates*hidden,)}.
 *
 * @param mode   the cell
 * @param layers stacked layers
 * @param dirs   1, or 2 when bidirectional
 * @param seq    time steps T
 * @param batch  batch size N
 * @param input  input features C of layer 0
 * @param hidden hidden units H per direction
 */
public record RnnGeometry(RnnMode mode, int layers, int dirs, int seq, int batch, int input, int hidden) {

    /** Rows of every weight and length of every bias: gates times hidden units. */
    public int rows() {
        return mode.gates() * hidden;
    }

    /** Input features of layer {@code l}: the data's for layer 0, both directions' hidden units after. */
    public int inputOf(int l) {
        return l == 0 ? input : dirs * hidden;
    }

    /** Output features of every layer: {@code dirs * hidden}. */
    public int outputWidth() {
        return dirs * hidden;
    }

    /** Length of the flat parameter vector (MXNet's {@code GetRnnParamSize}). */
    public long paramSize() {
        return paramSize(mode, layers, dirs, input, hidden);
    }

    /** Length of the flat parameter vector for layer-0 input size {@code input}. */
    public static long paramSize(RnnMode mode, int layers, int dirs, int input, int hidden) {
        long perDir = (long) mode.gates() * hidden;
        long first = perDir * dirs * (input + hidden + 2L);
        long later = perDir * dirs * ((long) dirs * hidden + hidden + 2L);
        return first + (layers - 1L) * later;
    }

    /**
     * The layer-0 input size a parameter vector of {@code size} implies, or -1 if none does (the inverse of
     * {@link #paramSize(RnnMode, int, int, int, int)}).
     */
    public static int inputSizeFor(RnnMode mode, int layers, int dirs, int hidden, long size) {
        long perDir = (long) mode.gates() * hidden * dirs;
        long rest = size - (layers - 1L) * perDir * ((long) dirs * hidden + hidden + 2L);
        if (perDir <= 0 || rest <= 0 || rest % perDir != 0) {
            return -1;
        }
        long input = rest / perDir - hidden - 2L;
        return input > 0 && input <= Integer.MAX_VALUE ? (int) input : -1;
    }

    /** Offset of the i2h weight of layer {@code l}, direction {@code d}. */
    public int i2hWeight(int l, int d) {
        int off = 0;
        for (int k = 0; k < l; k++) {
            off += dirs * rows() * (inputOf(k) + hidden);
        }
        return off + d * rows() * (inputOf(l) + hidden);
    }

    /** Offset of the h2h weight of layer {@code l}, direction {@code d}. */
    public int h2hWeight(int l, int d) {
        return i2hWeight(l, d) + rows() * inputOf(l);
    }

    /** Offset of the i2h bias of layer {@code l}, direction {@code d}. */
    public int i2hBias(int l, int d) {
        return i2hWeight(layers, 0) + (l * dirs + d) * 2 * rows();
    }

    /** Offset of the h2h bias of layer {@code l}, direction {@code d}. */
    public int h2hBias(int l, int d) {
        return i2hBias(l, d) + rows();
    }
}
