package dev.kiln.op.nn;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The neural-network ops: activations, the softmax family and its losses, the normalisation layers, LRN and
 * Dropout, each with MXNet 1.x's names, attributes and semantics.
 */
public final class NNOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(
                new ActivationOp(),
                new LeakyReLUOp(),
                SoftmaxOp.softmax(),
                SoftmaxOp.logSoftmax(),
                SoftmaxOp.softmin(),
                new SoftmaxActivationOp(),
                new SoftmaxOutputOp(),
                new SoftmaxCrossEntropyOp(),
                new SmoothL1Op(),
                new BatchNormOp(),
                new LayerNormOp(),
                new InstanceNormOp(),
                new GroupNormOp(),
                new L2NormalizationOp(),
                new LRNOp(),
                new DropoutOp());
    }
}
