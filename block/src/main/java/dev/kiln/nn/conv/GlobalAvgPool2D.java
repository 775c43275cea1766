package dev.kiln.nn.conv;

/**
 * Global average pooling of 2-D (spatial) data (Gluon's {@code nn.GlobalAvgPool2D}): each channel's whole spatial
 * extent pools to one position, so the output keeps the input's rank with spatial sizes 1. Layout {@code NCHW} (the
 * default) or {@code NHWC}.
 */
public class GlobalAvgPool2D extends Pool {
    /** In the default layout, {@code NCHW}. */
    public GlobalAvgPool2D() {
        this(builder());
    }

    /** In {@code layout} ({@code NCHW} or {@code NHWC}). */
    public GlobalAvgPool2D(String layout) {
        this(builder().layout(layout));
    }

    /** Gluon's arguments: the layout, and the prefix. */
    public static Pool.GlobalBuilder<GlobalAvgPool2D> builder() {
        return new Pool.GlobalBuilder<>(Spatial.TWO, "avg", GlobalAvgPool2D::new);
    }

    protected GlobalAvgPool2D(Pool.GlobalBuilder<GlobalAvgPool2D> b) {
        super(b);
    }
}
