package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.Map;

/**
 * Gluon's {@code nn.ELU}, the exponential linear unit: {@code x} above 0, {@code alpha * (exp(x) - 1)} below
 * (MXNet's {@code LeakyReLU} op, act_type elu). As in Gluon its op node is named automatically, and its repr is the
 * generic block tree.
 */
public class ELU extends HybridBlock {
    private final double alpha;

    /** {@code alpha} 1.0, Gluon's default. */
    public ELU() {
        this(1.0);
    }

    public ELU(double alpha) {
        this(alpha, null, null);
    }

    public ELU(double alpha, String prefix, ParameterDict params) {
        super(prefix, params, "elu");
        this.alpha = alpha;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.leakyReLU(x, null, Map.of("act_type", "elu", "slope", alpha));
    }
}
