package dev.kiln.loss;

import dev.kiln.op.surface.F;

/**
 * Gluon's {@code PoissonNLLLoss}, the negative log-likelihood of a Poisson target: with {@code fromLogits} (the
 * default) {@code exp(pred) - target * pred} ({@code pred} is the log rate), else
 * {@code pred - target * log(pred + epsilon)}. With {@code computeFull} Stirling's approximation of
 * {@code log(target!)}, {@code target log(target) - target + log(2 pi target) / 2}, is added where the target exceeds
 * 1. Weighted and averaged per sample.
 */
public class PoissonNLLLoss extends PointwiseLoss {
    private final boolean fromLogits;
    private final boolean computeFull;
    private final double epsilon;

    /** Log-rate predictions, no Stirling term, no weight, batch axis 0. */
    public PoissonNLLLoss() {
        this(builder());
    }

    /** Log-rate predictions if {@code fromLogits}, else rates. */
    public PoissonNLLLoss(boolean fromLogits) {
        this(builder().fromLogits(fromLogits));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected PoissonNLLLoss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "poissonnllloss");
        this.fromLogits = b.fromLogits;
        this.computeFull = b.computeFull;
        this.epsilon = b.epsilon;
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    public boolean computeFull() {
        return computeFull;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    protected <T> T elementLoss(F<T> F, T pred, T target) {
        T loss = fromLogits ? F.elemwiseSub(F.exp(pred), F.elemwiseMul(target, pred))
                : F.elemwiseSub(pred, F.elemwiseMul(target, F.log(F.plusScalar(pred, epsilon))));
        if (!computeFull) {
            return loss;
        }
        T stirling = F.elemwiseAdd(F.elemwiseSub(F.elemwiseMul(target, F.log(target)), target),
                F.mulScalar(F.log(F.mulScalar(target, 2 * Math.PI)), 0.5));
        // Gluon multiplies by (target > 1), which turns 0 * log(0) into NaN for zero counts; where keeps them 0
        return F.elemwiseAdd(loss, F.where(F.greaterScalar(target, 1.0), stirling, F.zerosLike(target)));
    }

    /** Gluon's {@code PoissonNLLLoss} arguments, and {@code epsilon} (a forward argument in Gluon). */
    public static final class Builder extends Loss.Builder<Builder, PoissonNLLLoss> {
        private boolean fromLogits = true;
        private boolean computeFull;
        private double epsilon = 1e-08;

        private Builder() {
            super(null);
        }

        /** Whether {@code pred} is the log of the rate (default true). */
        public Builder fromLogits(boolean f) {
            this.fromLogits = f;
            return this;
        }

        /** Whether to add Stirling's approximation of {@code log(target!)} (default false). */
        public Builder computeFull(boolean c) {
            this.computeFull = c;
            return this;
        }

        /** Added to the rate before its log when {@code fromLogits} is false (default 1e-8). */
        public Builder epsilon(double e) {
            this.epsilon = e;
            return this;
        }

        @Override
        public PoissonNLLLoss build() {
            return new PoissonNLLLoss(this);
        }
    }
}
