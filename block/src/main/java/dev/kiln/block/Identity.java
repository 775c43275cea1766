package dev.kiln.block;

import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.List;

/**
 * Returns its inputs unchanged (Gluon's {@code Identity}): the pass-through branch of a {@link HybridConcatenate}
 * or {@link Parallel}, or a placeholder layer. Traced, it adds no node.
 */
public class Identity extends HybridBlock {

    public Identity() {
        super();
    }

    public Identity(String prefix, ParameterDict params) {
        super(prefix, params);
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        return inputs;
    }
}
