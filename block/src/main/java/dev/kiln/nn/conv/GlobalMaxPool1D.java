package dev.kiln.nn.conv;

/**
 * Global max pooling of 1-D (temporal) data (Gluon's {@code nn.GlobalMaxPool1D}): each channel's whole spatial
 * extent pools to one position, so the output keeps the input's rank with spatial sizes 1. Layout {@code NCW} (the
 * default) or {@code NWC}.
 */
public class GlobalMaxPool1D extends Pool {
    /** In the default layout, {@code NCW}. */
    public GlobalMaxPool1D() {
        this(builder());
    }

    /** In {@code layout} ({@code NCW} or {@code NWC}). */
    public GlobalMaxPool1D(String layout) {
        this(builder().layout(layout));
    }

    /** Gluon's arguments: the layout, and the prefix. */
    public static Pool.GlobalBuilder<GlobalMaxPool1D> builder() {
        return new Pool.GlobalBuilder<>(Spatial.ONE, "max", GlobalMaxPool1D::new);
    }

    protected GlobalMaxPool1D(Pool.GlobalBuilder<GlobalMaxPool1D> b) {
        super(b);
    }
}
