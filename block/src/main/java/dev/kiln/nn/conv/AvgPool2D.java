package dev.kiln.nn.conv;

/**
 * Average pooling of 2-D (spatial) data (Gluon's {@code nn.AvgPool2D}): windows of {@code poolSize} (default 2)
 * every {@code strides} (default the pool size), with implicit padding; each output axis has {@code floor((x + 2 *
 * padding - poolSize) / strides) + 1} positions, or ceil with {@code ceilMode}. Padded positions count in each
 * window's divisor unless {@code countIncludePad} is false. Layout {@code NCHW} (the default) or {@code NHWC}.
 */
public class AvgPool2D extends Pool {
    /** Gluon's defaults: windows of 2 with stride 2, no padding. */
    public AvgPool2D() {
        this(builder());
    }

    /** Windows of {@code poolSize} on every axis, stepping by {@code poolSize}. */
    public AvgPool2D(int poolSize) {
        this(builder().poolSize(poolSize));
    }

    /** Windows of {@code poolSize} stepping by {@code strides}, with {@code padding} on every axis. */
    public AvgPool2D(int poolSize, int strides, int padding) {
        this(builder().poolSize(poolSize).strides(strides).padding(padding));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Pool.AvgBuilder<AvgPool2D> builder() {
        return new Pool.AvgBuilder<>(Spatial.TWO, AvgPool2D::new);
    }

    protected AvgPool2D(Pool.AvgBuilder<AvgPool2D> b) {
        super(b);
    }
}
