package dev.kiln.block;

import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.List;

/**
 * Feeds the same inputs to every hybrid child and concatenates their outputs along {@code axis} (Gluon's
 * {@code HybridConcatenate}, 1.x contrib {@code HybridConcurrent}); e.g. an Inception block's towers. Each child
 * must return one output; the outputs must agree on every other axis.
 */
public class HybridConcatenate extends HybridBranches<HybridConcatenate> implements SequentialContainer {
    private final int axis;

    /** Concatenates on the last axis, Gluon's default. */
    public HybridConcatenate() {
        this(-1);
    }

    public HybridConcatenate(int axis) {
        this(axis, null, null);
    }

    public HybridConcatenate(int axis, String prefix, ParameterDict params) {
        super(prefix, params);
        this.axis = axis;
    }

    /** The axis the outputs are concatenated on. */
    public int axis() {
        return axis;
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        List<T> outs = Branches.call(this, Branches.same(inputs, size()), (b, in) -> ((HybridBlock) b).callAll(F, in));
        return List.of(Branches.join(Connection.concat(axis), F, outs, Branches.labels(this)));
    }
}
