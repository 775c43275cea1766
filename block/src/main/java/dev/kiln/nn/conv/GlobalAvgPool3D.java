package dev.kiln.nn.conv;

/**
 * Global average pooling of 3-D (volumetric) data (Gluon's {@code nn.GlobalAvgPool3D}): each channel's whole
 * spatial extent pools to one position, so the output keeps the input's rank with spatial sizes 1. Layout {@code
 * NCDHW} (the default) or {@code NDHWC}.
 */
public class GlobalAvgPool3D extends Pool {
    /** In the default layout, {@code NCDHW}. */
    public GlobalAvgPool3D() {
        this(builder());
    }

    /** In {@code layout} ({@code NCDHW} or {@code NDHWC}). */
    public GlobalAvgPool3D(String layout) {
        this(builder().layout(layout));
    }

    /** Gluon's arguments: the layout, and the prefix. */
    public static Pool.GlobalBuilder<GlobalAvgPool3D> builder() {
        return new Pool.GlobalBuilder<>(Spatial.THREE, "avg", GlobalAvgPool3D::new);
    }

    protected GlobalAvgPool3D(Pool.GlobalBuilder<GlobalAvgPool3D> b) {
        super(b);
    }
}
