package dev.kiln.loss;

import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Gluon's {@code KLDivLoss}: {@code label * (log(label + 1e-12) - pred)}, weighted and averaged per sample. With
 * {@code fromLogits} (the default) {@code pred} holds log-probabilities; without, it holds unnormalised scores and
 * is log-softmaxed along {@code axis} first. The label must have the prediction's shape.
 */
public class KLDivLoss extends PointwiseLoss {
    private final boolean fromLogits;
    private final int axis;

    /** Log-probability predictions, no weight, batch axis 0. */
    public KLDivLoss() {
        this(builder());
    }

    /** Log-probability predictions if {@code fromLogits}, else scores log-softmaxed along the last axis. */
    public KLDivLoss(boolean fromLogits) {
        this(builder().fromLogits(fromLogits));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected KLDivLoss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "kldivloss");
        this.fromLogits = b.fromLogits;
        this.axis = b.axis;
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    public int axis() {
        return axis;
    }

    @Override
    protected boolean reshapesLabel() {
        return false;
    }

    @Override
    protected void checkInputs(java.util.List<dev.kiln.ndarray.NDArray> inputs) {
        super.checkInputs(inputs);
        if (!inputs.get(0).shape().equals(inputs.get(1).shape())) {
            throw error("'label' of shape " + inputs.get(1).shape() + " must have the shape of 'pred' "
                    + inputs.get(0).shape());
        }
    }

    @Override
    protected <T> T elementLoss(F<T> F, T pred, T label) {
        T logProb = fromLogits ? pred : F.logSoftmax(pred, null, Map.of("axis", axis));
        return F.elemwiseMul(label, F.elemwiseSub(F.log(F.plusScalar(label, 1e-12)), logProb));
    }

    /** Gluon's {@code KLDivLoss} arguments: {@code fromLogits} (default true), {@code axis} (default -1), ... */
    public static final class Builder extends Loss.Builder<Builder, KLDivLoss> {
        private boolean fromLogits = true;
        private int axis = -1;

        private Builder() {
            super(null);
        }

        /** Whether {@code pred} already holds log-probabilities (default true). */
        public Builder fromLogits(boolean f) {
            this.fromLogits = f;
            return this;
        }

        /** The axis of the softmax when {@code fromLogits} is false (default -1). */
        public Builder axis(int a) {
            this.axis = a;
            return this;
        }

        @Override
        public KLDivLoss build() {
            return new KLDivLoss(this);
        }
    }
}
