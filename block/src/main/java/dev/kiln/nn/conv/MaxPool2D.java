package dev.kiln.nn.conv;

/**
 * Max pooling of 2-D (spatial) data (Gluon's {@code nn.MaxPool2D}): windows of {@code poolSize} (default 2) every
 * {@code strides} (default the pool size), with implicit padding; each output axis has {@code floor((x + 2 *
 * padding - poolSize) / strides) + 1} positions, or ceil with {@code ceilMode}. Layout {@code NCHW} (the default)
 * or {@code NHWC}.
 */
public class MaxPool2D extends Pool {
    /** Gluon's defaults: windows of 2 with stride 2, no padding. */
    public MaxPool2D() {
        this(builder());
    }

    /** Windows of {@code poolSize} on every axis, stepping by {@code poolSize}. */
    public MaxPool2D(int poolSize) {
        this(builder().poolSize(poolSize));
    }

    /** Windows of {@code poolSize} stepping by {@code strides}, with {@code padding} on every axis. */
    public MaxPool2D(int poolSize, int strides, int padding) {
        this(builder().poolSize(poolSize).strides(strides).padding(padding));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Pool.Builder<MaxPool2D> builder() {
        return new Pool.Builder<>(Spatial.TWO, MaxPool2D::new);
    }

    protected MaxPool2D(Pool.Builder<MaxPool2D> b) {
        super(b);
    }
}
