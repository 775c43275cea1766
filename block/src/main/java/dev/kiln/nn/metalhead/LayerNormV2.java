package dev.kiln.nn.metalhead;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * Metalhead's {@code LayerNormV2(size..., λ = identity; affine = true, eps = 1f-5)}: normalises over the last
 * {@code size.length} axes (Julia's first ones) with {@code (x - mean) / sqrt(var + eps)}, the epsilon inside the
 * square root as PyTorch's LayerNorm, then, if affine, {@code scale * y + bias} with parameters of shape {@code size},
 * then the activation {@code λ} (a block, or {@code null} for the identity).
 */
public class LayerNormV2 extends HybridBlock {
    private final int[] size;
    private final HybridBlock activation;
    private final boolean affine;
    private final double eps;

    /** Affine, no activation, eps 1e-5. */
    public LayerNormV2(int... size) {
        this(size, null, true, 1e-5);
    }

    public LayerNormV2(int[] size, HybridBlock activation, boolean affine, double eps) {
        super(null, null, "layernormv2");
        if (size.length == 0) {
            throw new IllegalArgumentException("LayerNormV2: give the size of at least one normalised axis");
        }
        for (int d : size) {
            if (d <= 0) {
                throw new IllegalArgumentException("LayerNormV2: sizes must be positive, got "
                        + java.util.Arrays.toString(size));
            }
        }
        this.size = size.clone();
        this.affine = affine;
        this.eps = eps;
        try (var ignored = nameScope()) {
            if (affine) {
                param("scale", ParameterSpec.of().shape(size).init("ones"));
                param("bias", ParameterSpec.of().shape(size).init("zeros"));
            }
        }
        this.activation = activation == null ? null : registerChild(activation, "activation");
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        int[] axes = new int[size.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = -1 - i;
        }
        T y = Layers.normalise(F, x, IntTuple.of(axes), eps, true);
        if (affine) {
            y = F.broadcastAdd(F.broadcastMul(y, p.get("scale")), p.get("bias"));
        }
        return activation == null ? y : activation.call(F, y);
    }

    /** Metalhead's show: {@code LayerNormV2(4, 5)}, then the activation and {@code affine=false} when given. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("LayerNormV2(");
        for (int i = 0; i < size.length; i++) {
            s.append(i == 0 ? "" : ", ").append(size[i]);
        }
        if (activation != null) {
            s.append(", ").append(activation);
        }
        if (!affine) {
            s.append(", affine=false");
        }
        return s.append(')').toString();
    }
}
