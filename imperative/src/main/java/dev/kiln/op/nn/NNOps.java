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
        SoftmaxOp softmax = SoftmaxOp.softmax();
        SoftmaxOp logSoftmax = SoftmaxOp.logSoftmax();
        SoftmaxOp softmin = SoftmaxOp.softmin();
        SoftmaxOutputOp softmaxOutput = new SoftmaxOutputOp();
        LayerNormOp layerNorm = new LayerNormOp();
        InstanceNormOp instanceNorm = new InstanceNormOp();
        GroupNormOp groupNorm = new GroupNormOp();
        return List.of(
                new ActivationOp(),
                new LeakyReLUOp(),
                new LeakyReLUBackwardOp(),
                softmax,
                logSoftmax,
                softmin,
                new SoftmaxBackwardOp(softmax),
                new SoftmaxBackwardOp(logSoftmax),
                new SoftmaxBackwardOp(softmin),
                new SoftmaxActivationOp(),
                softmaxOutput,
                new SoftmaxOutputBackwardOp(softmaxOutput),
                new SoftmaxCrossEntropyOp(),
                new SoftmaxCrossEntropyBackwardOp(),
                new SmoothL1Op(),
                new CTCLossOp(),
                new BatchNormOp(),
                new BatchNormBackwardOp(),
                layerNorm,
                layerNorm.backwardOp(),
                instanceNorm,
                instanceNorm.backwardOp(),
                groupNorm,
                groupNorm.backwardOp(),
                new L2NormalizationOp(),
                new LRNOp(),
                new LRNBackwardOp(),
                new DropoutOp(),
                new DropBlockOp());
    }
}
