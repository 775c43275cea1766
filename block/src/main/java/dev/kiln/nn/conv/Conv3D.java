package dev.kiln.nn.conv;

/**
 * 3-D convolution over volumes (Gluon's {@code nn.Conv3D}): layout {@code NCDHW} (the default) or {@code NDHWC}.
 */
public class Conv3D extends Conv {
    /** {@code channels} outputs with a kernel of {@code kernelSize} on every axis, Gluon's other defaults. */
    public Conv3D(int channels, int kernelSize) {
        this(builder(channels, kernelSize));
    }

    /** As {@link #Conv3D(int, int)}, followed by {@code activation} ({@code "relu"}, ...). */
    public Conv3D(int channels, int kernelSize, String activation) {
        this(builder(channels, kernelSize).activation(activation));
    }

    /** All of Gluon's arguments; {@code kernelSize} is one size for every axis or one per axis. */
    public static Conv.Builder<Conv3D> builder(int channels, int... kernelSize) {
        return new Conv.Builder<>(Spatial.THREE, channels, kernelSize, Conv3D::new);
    }

    protected Conv3D(Conv.Builder<Conv3D> b) {
        super(b);
    }
}
