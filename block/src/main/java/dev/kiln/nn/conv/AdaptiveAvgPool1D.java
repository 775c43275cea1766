package dev.kiln.nn.conv;

/**
 * Adaptive average pooling of 1-D (temporal) data to a given output size (not in Gluon 1.x; see {@link
 * AdaptivePool}), with Kiln's {@code _contrib_AdaptiveAvgPooling}, which MXNet 1.x does not have. Layout {@code
 * NCW} (the default) or {@code NWC}.
 */
public class AdaptiveAvgPool1D extends AdaptivePool {
    /** Pools to {@code outputSize}: the output width. */
    public AdaptiveAvgPool1D(int... outputSize) {
        this(builder(outputSize));
    }

    /** Pools to {@code outputSize} (the output width); the builder takes the layout. */
    public static AdaptivePool.Builder<AdaptiveAvgPool1D> builder(int... outputSize) {
        return new AdaptivePool.Builder<>(Spatial.ONE, false, outputSize, AdaptiveAvgPool1D::new);
    }

    protected AdaptiveAvgPool1D(AdaptivePool.Builder<AdaptiveAvgPool1D> b) {
        super(b);
    }
}
