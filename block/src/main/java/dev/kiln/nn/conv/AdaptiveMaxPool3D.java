package dev.kiln.nn.conv;

/**
 * Adaptive max pooling of 3-D (volumetric) data to a given output size (not in Gluon 1.x; see {@link
 * AdaptivePool}), with Kiln's {@code _contrib_AdaptiveMaxPooling}, which MXNet 1.x does not have. Layout {@code
 * NCDHW} (the default) or {@code NDHWC}.
 */
public class AdaptiveMaxPool3D extends AdaptivePool {
    /** Pools to {@code outputSize}: one size for every axis or one per axis. */
    public AdaptiveMaxPool3D(int... outputSize) {
        this(builder(outputSize));
    }

    /** Pools to {@code outputSize} (one size for every axis or one per axis); the builder takes the layout. */
    public static AdaptivePool.Builder<AdaptiveMaxPool3D> builder(int... outputSize) {
        return new AdaptivePool.Builder<>(Spatial.THREE, true, outputSize, AdaptiveMaxPool3D::new);
    }

    protected AdaptiveMaxPool3D(AdaptivePool.Builder<AdaptiveMaxPool3D> b) {
        super(b);
    }
}
