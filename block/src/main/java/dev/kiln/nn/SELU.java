package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.Map;

/**
 * Gluon's {@code nn.SELU}, the scaled exponential linear unit {@code lambda * (x > 0 ? x : alpha * (exp(x) - 1))}
 * with the fixed self-normalising constants (MXNet's {@code LeakyReLU} op, act_type selu).
 */
public class SELU extends HybridBlock {

    public SELU() {
        this(null, null);
    }

    public SELU(String prefix, ParameterDict params) {
        super(prefix, params, "selu");
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.leakyReLU(x, null, Map.of("act_type", "selu", "name", "fwd"));
    }
}
