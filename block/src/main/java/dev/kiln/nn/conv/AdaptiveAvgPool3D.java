package dev.kiln.nn.conv;

/**
 * Adaptive average pooling of 3-D (volumetric) data to a given output size (not in Gluon 1.x; see {@link
 * AdaptivePool}), with Kiln's {@code _contrib_AdaptiveAvgPooling}, which MXNet 1.x does not have. Layout {@code
 * NCDHW} (the default) or {@code NDHWC}.
 */
public class AdaptiveAvgPool3D extends AdaptivePool {
    /** Pools to {@code outputSize}: one size for every axis or one per axis. */
    public AdaptiveAvgPool3D(int... outputSize) {
        this(builder(outputSize));
    }

    /** Pools to {@code outputSize} (one size for every axis or one per axis); the builder takes the layout. */
    public static AdaptivePool.Builder<AdaptiveAvgPool3D> builder(int... outputSize) {
        return new AdaptivePool.Builder<>(Spatial.THREE, false, outputSize, AdaptiveAvgPool3D::new);
    }

    protected AdaptiveAvgPool3D(AdaptivePool.Builder<AdaptiveAvgPool3D> b) {
        super(b);
    }
}
