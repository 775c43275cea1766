package dev.kiln.nn.conv;

/**
 * 2-D convolution over images (Gluon's {@code nn.Conv2D}): layout {@code NCHW} (the default) or {@code NHWC}.
 */
public class Conv2D extends Conv {
    /** {@code channels} outputs with a kernel of {@code kernelSize} on every axis, Gluon's other defaults. */
    public Conv2D(int channels, int kernelSize) {
        this(builder(channels, kernelSize));
    }

    /** As {@link #Conv2D(int, int)}, followed by {@code activation} ({@code "relu"}, ...). */
    public Conv2D(int channels, int kernelSize, String activation) {
        this(builder(channels, kernelSize).activation(activation));
    }

    /** All of Gluon's arguments; {@code kernelSize} is one size for every axis or one per axis. */
    public static Conv.Builder<Conv2D> builder(int channels, int... kernelSize) {
        return new Conv.Builder<>(Spatial.TWO, channels, kernelSize, Conv2D::new);
    }

    protected Conv2D(Conv.Builder<Conv2D> b) {
        super(b);
    }
}
