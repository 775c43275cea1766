package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

/**
 * Gluon's {@code nn.Flatten}: collapses every axis but the first, {@code (N, x1, ..., xn)} to
 * {@code (N, x1 * ... * xn)}. Its repr is just {@code Flatten}.
 */
public class Flatten extends HybridBlock {

    public Flatten() {
        this(null, null);
    }

    public Flatten(String prefix, ParameterDict params) {
        super(prefix, params, "flatten");
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.flatten(x);
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}
