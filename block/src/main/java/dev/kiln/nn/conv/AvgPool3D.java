package dev.kiln.nn.conv;

/**
 * Average pooling of 3-D (volumetric) data (Gluon's {@code nn.AvgPool3D}): windows of {@code poolSize} (default 2)
 * every {@code strides} (default the pool size), with implicit padding; each output axis has {@code floor((x + 2 *
 * padding - poolSize) / strides) + 1} positions, or ceil with {@code ceilMode}. Padded positions count in each
 * window's divisor unless {@code countIncludePad} is false. Layout {@code NCDHW} (the default) or {@code NDHWC}.
 */
public class AvgPool3D extends Pool {
    /** Gluon's defaults: windows of 2 with stride 2, no padding. */
    public AvgPool3D() {
        this(builder());
    }

    /** Windows of {@code poolSize} on every axis, stepping by {@code poolSize}. */
    public AvgPool3D(int poolSize) {
        this(builder().poolSize(poolSize));
    }

    /** Windows of {@code poolSize} stepping by {@code strides}, with {@code padding} on every axis. */
    public AvgPool3D(int poolSize, int strides, int padding) {
        this(builder().poolSize(poolSize).strides(strides).padding(padding));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Pool.AvgBuilder<AvgPool3D> builder() {
        return new Pool.AvgBuilder<>(Spatial.THREE, AvgPool3D::new);
    }

    protected AvgPool3D(Pool.AvgBuilder<AvgPool3D> b) {
        super(b);
    }
}
