package dev.kiln.nn.conv;

/**
 * 1-D transposed convolution (Gluon's {@code nn.Conv1DTranspose}), the gradient of a 1-D convolution with respect
 * to its input; each output axis has {@code (x - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1 +
 * outputPadding} positions. Layout {@code NCW} only, as in Gluon.
 */
public class Conv1DTranspose extends Conv {
    /** {@code channels} outputs with a kernel of {@code kernelSize} on every axis, Gluon's other defaults. */
    public Conv1DTranspose(int channels, int kernelSize) {
        this(builder(channels, kernelSize));
    }

    /** As {@link #Conv1DTranspose(int, int)}, followed by {@code activation} ({@code "relu"}, ...). */
    public Conv1DTranspose(int channels, int kernelSize, String activation) {
        this(builder(channels, kernelSize).activation(activation));
    }

    /** All of Gluon's arguments; {@code kernelSize} is the window width. */
    public static Conv.TransposeBuilder<Conv1DTranspose> builder(int channels, int... kernelSize) {
        return new Conv.TransposeBuilder<>(Spatial.ONE, channels, kernelSize, Conv1DTranspose::new);
    }

    protected Conv1DTranspose(Conv.TransposeBuilder<Conv1DTranspose> b) {
        super(b);
    }
}
