package dev.kiln.data.vision.transforms;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.DType;
import dev.kiln.op.surface.F;

/** Gluon's {@code transforms.Cast}: converts the input to {@code dtype} (float32 by default) with MXNet's Cast. */
public class Cast extends HybridBlock {
    private final DType dtype;

    public Cast() {
        this(DType.FLOAT32);
    }

    public Cast(DType dtype) {
        this.dtype = dtype;
    }

    public Cast(String dtype) {
        this(DType.fromName(dtype));
    }

    public DType dtype() {
        return dtype;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.cast(x, dtype);
    }
}
