package dev.kiln.nn.conv;

/**
 * Adaptive average pooling of 2-D (spatial) data to a given output size (not in Gluon 1.x; see {@link
 * AdaptivePool}), with MXNet's {@code _contrib_AdaptiveAvgPooling2D} in {@code NCHW}, Kiln's {@code
 * _contrib_AdaptiveAvgPooling} in {@code NHWC}. Layout {@code NCHW} (the default) or {@code NHWC}.
 */
public class AdaptiveAvgPool2D extends AdaptivePool {
    /** Pools to {@code outputSize}: one size for every axis or one per axis. */
    public AdaptiveAvgPool2D(int... outputSize) {
        this(builder(outputSize));
    }

    /** Pools to {@code outputSize} (one size for every axis or one per axis); the builder takes the layout. */
    public static AdaptivePool.Builder<AdaptiveAvgPool2D> builder(int... outputSize) {
        return new AdaptivePool.Builder<>(Spatial.TWO, false, outputSize, AdaptiveAvgPool2D::new);
    }

    protected AdaptiveAvgPool2D(AdaptivePool.Builder<AdaptiveAvgPool2D> b) {
        super(b);
    }
}
