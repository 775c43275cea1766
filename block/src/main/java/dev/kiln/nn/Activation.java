package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.op.surface.F;
import dev.kiln.block.ParameterValues;
import dev.kiln.parameter.ParameterDict;

import java.util.Map;

/**
 * Applies MXNet's {@code Activation} op: {@code relu}, {@code sigmoid}, {@code tanh}, {@code softrelu} or
 * {@code softsign}. As in Gluon, the block is named by its activation ({@code relu0_}), and its repr is
 * {@code Activation(relu)}.
 */
public class Activation extends HybridBlock {
    private final String activation;

    public Activation(String activation) {
        this(activation, null, null);
    }

    public Activation(String activation, String prefix, ParameterDict params) {
        super(prefix, params, checked(activation));
        this.activation = activation;
    }

    private static String checked(String activation) {
        if (activation == null || activation.isEmpty()) {
            throw new IllegalArgumentException("Activation needs an activation type (relu, sigmoid, tanh, softrelu, "
                    + "softsign)");
        }
        return activation;
    }

    /** The activation type, MXNet's {@code act_type}. */
    public String activation() {
        return activation;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.activation(x, activation, Map.of("name", "fwd"));
    }

    @Override
    public String toString() {
        return "Activation(" + activation + ")";
    }
}
