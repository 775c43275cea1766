package dev.kiln.nn.conv;

/**
 * Adaptive max pooling of 2-D (spatial) data to a given output size (not in Gluon 1.x; see {@link AdaptivePool}),
 * with Kiln's {@code _contrib_AdaptiveMaxPooling}, which MXNet 1.x does not have. Layout {@code NCHW} (the default)
 * or {@code NHWC}.
 */
public class AdaptiveMaxPool2D extends AdaptivePool {
    /** Pools to {@code outputSize}: one size for every axis or one per axis. */
    public AdaptiveMaxPool2D(int... outputSize) {
        this(builder(outputSize));
    }

    /** Pools to {@code outputSize} (one size for every axis or one per axis); the builder takes the layout. */
    public static AdaptivePool.Builder<AdaptiveMaxPool2D> builder(int... outputSize) {
        return new AdaptivePool.Builder<>(Spatial.TWO, true, outputSize, AdaptiveMaxPool2D::new);
    }

    protected AdaptiveMaxPool2D(AdaptivePool.Builder<AdaptiveMaxPool2D> b) {
        super(b);
    }
}
