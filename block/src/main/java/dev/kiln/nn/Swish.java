package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.Map;

/**
 * Gluon's {@code nn.Swish}: {@code x * sigmoid(beta * x)}, composed of ops as Gluon composes it (the sigmoid node is
 * {@code fwd}).
 */
public class Swish extends HybridBlock {
    private final double beta;

    /** {@code beta} 1.0, Gluon's default. */
    public Swish() {
        this(1.0);
    }

    public Swish(double beta) {
        this(beta, null, null);
    }

    public Swish(double beta, String prefix, ParameterDict params) {
        super(prefix, params, "swish");
        this.beta = beta;
    }

    public double beta() {
        return beta;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.elemwiseMul(x, F.sigmoid(F.mulScalar(x, Map.of("scalar", beta)), Map.of("name", "fwd")));
    }
}
