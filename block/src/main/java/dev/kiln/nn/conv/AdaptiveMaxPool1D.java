package dev.kiln.nn.conv;

/**
 * Adaptive max pooling of 1-D (temporal) data to a given output size (not in Gluon 1.x; see {@link AdaptivePool}),
 * with Kiln's {@code _contrib_AdaptiveMaxPooling}, which MXNet 1.x does not have. Layout {@code NCW} (the default)
 * or {@code NWC}.
 */
public class AdaptiveMaxPool1D extends AdaptivePool {
    /** Pools to {@code outputSize}: the output width. */
    public AdaptiveMaxPool1D(int... outputSize) {
        this(builder(outputSize));
    }

    /** Pools to {@code outputSize} (the output width); the builder takes the layout. */
    public static AdaptivePool.Builder<AdaptiveMaxPool1D> builder(int... outputSize) {
        return new AdaptivePool.Builder<>(Spatial.ONE, true, outputSize, AdaptiveMaxPool1D::new);
    }

    protected AdaptiveMaxPool1D(AdaptivePool.Builder<AdaptiveMaxPool1D> b) {
        super(b);
    }
}
