package dev.kiln.loss;

/** Gluon's alias {@code SigmoidBCELoss} of {@link SigmoidBinaryCrossEntropyLoss}. */
public final class SigmoidBCELoss extends SigmoidBinaryCrossEntropyLoss {

    /** Scores (not probabilities), no weight, batch axis 0. */
    public SigmoidBCELoss() {
        super(builder());
    }

    /** Probabilities if {@code fromSigmoid}, else scores. */
    public SigmoidBCELoss(boolean fromSigmoid) {
        super(builder().fromSigmoid(fromSigmoid));
    }

    /** Gluon's alias is the same class, so its repr names that class. */
    @Override
    protected String reprName() {
        return "SigmoidBinaryCrossEntropyLoss";
    }
}
