package dev.kiln.bench.models;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Uniform;
import dev.kiln.nn.GELU;
import dev.kiln.nn.norm.LayerNorm;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * The normalisation-heavy block of the model suite: LayerNorm over the last axis, GELU, a learned per-feature scale
 * and bias, then softmax over the last axis. Elementwise and reduction work only, which is what fusion targets.
 */
public final class NormBlock extends HybridBlock {
    private final LayerNorm norm;
    private final GELU gelu;

    /** {@code width} is the size of the last (feature) axis. */
    public NormBlock(int width) {
        super(null, null, "normblock");
        if (width <= 0) {
            throw new IllegalArgumentException("NormBlock: width must be positive, got " + width);
        }
        try (var ignored = nameScope()) {
            norm = registerChild(new LayerNorm(), "norm");
            gelu = registerChild(new GELU(), "gelu");
            param("scale", ParameterSpec.of().shape(width).init(new Uniform(1.0)));
            param("bias", ParameterSpec.of().shape(width).init(new Uniform(0.5)));
        }
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T y = gelu.call(F, norm.call(F, x));
        T scaled = F.broadcastAdd(F.broadcastMul(y, p.get("scale")), p.get("bias"));
        return F.softmax(scaled, null, Map.of("axis", -1, "name", "softmax"));
    }
}
