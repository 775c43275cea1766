package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.Map;

/**
 * Gluon 1.x's {@code nn.GELU}: {@code 0.5 * x * (1 + erf(x / sqrt(2)))}, the exact erf form (MXNet's
 * {@code LeakyReLU} op, act_type gelu). Gluon 1.9 has no tanh approximation argument (that came with 2.0).
 */
public class GELU extends HybridBlock {

    public GELU() {
        this(null, null);
    }

    public GELU(String prefix, ParameterDict params) {
        super(prefix, params, "gelu");
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.leakyReLU(x, null, Map.of("act_type", "gelu", "name", "fwd"));
    }
}
