package dev.kiln.nn.conv;

/**
 * Global max pooling of 2-D (spatial) data (Gluon's {@code nn.GlobalMaxPool2D}): each channel's whole spatial
 * extent pools to one position, so the output keeps the input's rank with spatial sizes 1. Layout {@code NCHW} (the
 * default) or {@code NHWC}.
 */
public class GlobalMaxPool2D extends Pool {
    /** In the default layout, {@code NCHW}. */
    public GlobalMaxPool2D() {
        this(builder());
    }

    /** In {@code layout} ({@code NCHW} or {@code NHWC}). */
    public GlobalMaxPool2D(String layout) {
        this(builder().layout(layout));
    }

    /** Gluon's arguments: the layout, and the prefix. */
    public static Pool.GlobalBuilder<GlobalMaxPool2D> builder() {
        return new Pool.GlobalBuilder<>(Spatial.TWO, "max", GlobalMaxPool2D::new);
    }

    protected GlobalMaxPool2D(Pool.GlobalBuilder<GlobalMaxPool2D> b) {
        super(b);
    }
}
