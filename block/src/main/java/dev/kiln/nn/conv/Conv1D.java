package dev.kiln.nn.conv;

/**
 * 1-D convolution (temporal convolution) of {@code (batch, channels, width)} data (Gluon's {@code nn.Conv1D}).
 * Layout {@code NCW} only, as in Gluon.
 */
public class Conv1D extends Conv {
    /** {@code channels} outputs with a kernel of {@code kernelSize} on every axis, Gluon's other defaults. */
    public Conv1D(int channels, int kernelSize) {
        this(builder(channels, kernelSize));
    }

    /** As {@link #Conv1D(int, int)}, followed by {@code activation} ({@code "relu"}, ...). */
    public Conv1D(int channels, int kernelSize, String activation) {
        this(builder(channels, kernelSize).activation(activation));
    }

    /** All of Gluon's arguments; {@code kernelSize} is the window width. */
    public static Conv.Builder<Conv1D> builder(int channels, int... kernelSize) {
        return new Conv.Builder<>(Spatial.ONE, channels, kernelSize, Conv1D::new);
    }

    protected Conv1D(Conv.Builder<Conv1D> b) {
        super(b);
    }
}
