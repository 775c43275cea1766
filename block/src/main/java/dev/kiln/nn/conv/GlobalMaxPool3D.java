package dev.kiln.nn.conv;

/**
 * Global max pooling of 3-D (volumetric) data (Gluon's {@code nn.GlobalMaxPool3D}): each channel's whole spatial
 * extent pools to one position, so the output keeps the input's rank with spatial sizes 1. Layout {@code NCDHW}
 * (the default) or {@code NDHWC}.
 */
public class GlobalMaxPool3D extends Pool {
    /** In the default layout, {@code NCDHW}. */
    public GlobalMaxPool3D() {
        this(builder());
    }

    /** In {@code layout} ({@code NCDHW} or {@code NDHWC}). */
    public GlobalMaxPool3D(String layout) {
        this(builder().layout(layout));
    }

    /** Gluon's arguments: the layout, and the prefix. */
    public static Pool.GlobalBuilder<GlobalMaxPool3D> builder() {
        return new Pool.GlobalBuilder<>(Spatial.THREE, "max", GlobalMaxPool3D::new);
    }

    protected GlobalMaxPool3D(Pool.GlobalBuilder<GlobalMaxPool3D> b) {
        super(b);
    }
}
