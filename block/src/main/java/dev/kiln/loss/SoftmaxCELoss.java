package dev.kiln.loss;

/** Gluon's alias {@code SoftmaxCELoss} of {@link SoftmaxCrossEntropyLoss}. */
public final class SoftmaxCELoss extends SoftmaxCrossEntropyLoss {

    /** Class-index labels, softmax along the last axis, no weight, batch axis 0. */
    public SoftmaxCELoss() {
        super(builder());
    }

    /** Class-index labels if {@code sparseLabel}, else distributions. */
    public SoftmaxCELoss(boolean sparseLabel) {
        super(builder().sparseLabel(sparseLabel));
    }

    /** Gluon's alias is the same class, so its repr names that class. */
    @Override
    protected String reprName() {
        return "SoftmaxCrossEntropyLoss";
    }
}
