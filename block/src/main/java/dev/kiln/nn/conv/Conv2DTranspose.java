package dev.kiln.nn.conv;

/**
 * 2-D transposed convolution (Gluon's {@code nn.Conv2DTranspose}), the gradient of a 2-D convolution with respect
 * to its input; each output axis has {@code (x - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1 +
 * outputPadding} positions. Layout {@code NCHW} (the default) or {@code NHWC}.
 */
public class Conv2DTranspose extends Conv {
    /** {@code channels} outputs with a kernel of {@code kernelSize} on every axis, Gluon's other defaults. */
    public Conv2DTranspose(int channels, int kernelSize) {
        this(builder(channels, kernelSize));
    }

    /** As {@link #Conv2DTranspose(int, int)}, followed by {@code activation} ({@code "relu"}, ...). */
    public Conv2DTranspose(int channels, int kernelSize, String activation) {
        this(builder(channels, kernelSize).activation(activation));
    }

    /** All of Gluon's arguments; {@code kernelSize} is one size for every axis or one per axis. */
    public static Conv.TransposeBuilder<Conv2DTranspose> builder(int channels, int... kernelSize) {
        return new Conv.TransposeBuilder<>(Spatial.TWO, channels, kernelSize, Conv2DTranspose::new);
    }

    protected Conv2DTranspose(Conv.TransposeBuilder<Conv2DTranspose> b) {
        super(b);
    }
}
