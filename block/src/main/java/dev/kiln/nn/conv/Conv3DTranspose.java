package dev.kiln.nn.conv;

/**
 * 3-D transposed convolution (Gluon's {@code nn.Conv3DTranspose}), the gradient of a 3-D convolution with respect
 * to its input; each output axis has {@code (x - 1) * stride - 2 * padding + kernel + outputPadding} positions
 * (MXNet has no dilated 3-D deconvolution). Layout {@code NCDHW} (the default) or {@code NDHWC}.
 */
public class Conv3DTranspose extends Conv {
    /** {@code channels} outputs with a kernel of {@code kernelSize} on every axis, Gluon's other defaults. */
    public Conv3DTranspose(int channels, int kernelSize) {
        this(builder(channels, kernelSize));
    }

    /** As {@link #Conv3DTranspose(int, int)}, followed by {@code activation} ({@code "relu"}, ...). */
    public Conv3DTranspose(int channels, int kernelSize, String activation) {
        this(builder(channels, kernelSize).activation(activation));
    }

    /** All of Gluon's arguments; {@code kernelSize} is one size for every axis or one per axis. */
    public static Conv.TransposeBuilder<Conv3DTranspose> builder(int channels, int... kernelSize) {
        return new Conv.TransposeBuilder<>(Spatial.THREE, channels, kernelSize, Conv3DTranspose::new);
    }

    protected Conv3DTranspose(Conv.TransposeBuilder<Conv3DTranspose> b) {
        super(b);
    }
}
