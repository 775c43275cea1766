package dev.kiln.op.nn;

import dev.kiln.op.AttrSpec;

import java.util.List;

/**
 * Base of the nn family's {@code _backward_*} ops: kernels for gradients that composing ops would make slow
 * (normalisation layers, LRN, prelu's gamma) or that MXNet defines outside calculus (SoftmaxOutput). They are not
 * themselves differentiable, and backward through them is an error rather than a silent zero.
 */
abstract class NNBackwardOp extends NNOp {

    NNBackwardOp(String name, List<String> inputs, List<AttrSpec<?>> attrs) {
        super(name, inputs, attrs);
    }

    @Override
    public final boolean isDifferentiable() {
        return false;
    }

    @Override
    public final boolean hasZeroGradient() {
        return false;
    }
}
