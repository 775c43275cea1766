package dev.kiln.nn.conv;

/**
 * Global average pooling of 1-D (temporal) data (Gluon's {@code nn.GlobalAvgPool1D}): each channel's whole spatial
 * extent pools to one position, so the output keeps the input's rank with spatial sizes 1. Layout {@code NCW} (the
 * default) or {@code NWC}.
 */
public class GlobalAvgPool1D extends Pool {
    /** In the default layout, {@code NCW}. */
    public GlobalAvgPool1D() {
        this(builder());
    }

    /** In {@code layout} ({@code NCW} or {@code NWC}). */
    public GlobalAvgPool1D(String layout) {
        this(builder().layout(layout));
    }

    /** Gluon's arguments: the layout, and the prefix. */
    public static Pool.GlobalBuilder<GlobalAvgPool1D> builder() {
        return new Pool.GlobalBuilder<>(Spatial.ONE, "avg", GlobalAvgPool1D::new);
    }

    protected GlobalAvgPool1D(Pool.GlobalBuilder<GlobalAvgPool1D> b) {
        super(b);
    }
}
