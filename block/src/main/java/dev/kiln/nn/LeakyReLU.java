package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.PythonFormat;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.Map;

/**
 * Gluon's {@code nn.LeakyReLU}: {@code x} for {@code x >= 0}, {@code alpha * x} below (MXNet's {@code LeakyReLU} op,
 * act_type leaky). {@code alpha} must not be negative, as Gluon asserts.
 */
public class LeakyReLU extends HybridBlock {
    private final double alpha;

    public LeakyReLU(double alpha) {
        this(alpha, null, null);
    }

    public LeakyReLU(double alpha, String prefix, ParameterDict params) {
        super(prefix, params, "leakyrelu");
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("LeakyReLU: the slope alpha must be no less than 0, got " + alpha);
        }
        this.alpha = alpha;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.leakyReLU(x, null, Map.of("act_type", "leaky", "slope", alpha, "name", "fwd"));
    }

    /** Gluon's repr: {@code LeakyReLU(0.1)}. */
    @Override
    public String toString() {
        return "LeakyReLU(" + PythonFormat.formatFloat(alpha) + ")";
    }
}
