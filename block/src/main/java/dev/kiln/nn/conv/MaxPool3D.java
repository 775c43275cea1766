package dev.kiln.nn.conv;

/**
 * Max pooling of 3-D (volumetric) data (Gluon's {@code nn.MaxPool3D}): windows of {@code poolSize} (default 2)
 * every {@code strides} (default the pool size), with implicit padding; each output axis has {@code floor((x + 2 *
 * padding - poolSize) / strides) + 1} positions, or ceil with {@code ceilMode}. Layout {@code NCDHW} (the default)
 * or {@code NDHWC}.
 */
public class MaxPool3D extends Pool {
    /** Gluon's defaults: windows of 2 with stride 2, no padding. */
    public MaxPool3D() {
        this(builder());
    }

    /** Windows of {@code poolSize} on every axis, stepping by {@code poolSize}. */
    public MaxPool3D(int poolSize) {
        this(builder().poolSize(poolSize));
    }

    /** Windows of {@code poolSize} stepping by {@code strides}, with {@code padding} on every axis. */
    public MaxPool3D(int poolSize, int strides, int padding) {
        this(builder().poolSize(poolSize).strides(strides).padding(padding));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Pool.Builder<MaxPool3D> builder() {
        return new Pool.Builder<>(Spatial.THREE, MaxPool3D::new);
    }

    protected MaxPool3D(Pool.Builder<MaxPool3D> b) {
        super(b);
    }
}
