package dev.kiln.loss;

import dev.kiln.op.surface.F;

/**
 * Gluon's {@code HuberLoss} (smoothed L1): with {@code d = |label - pred|}, {@code d - rho / 2} where
 * {@code d > rho}, else {@code d^2 / (2 rho)}; weighted and averaged per sample.
 */
public class HuberLoss extends PointwiseLoss {
    private final double rho;

    /** {@code rho} 1, no weight, batch axis 0. */
    public HuberLoss() {
        this(builder());
    }

    /** The given threshold {@code rho}. */
    public HuberLoss(double rho) {
        this(builder().rho(rho));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected HuberLoss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "huberloss");
        if (!(b.rho > 0)) {
            throw new IllegalArgumentException("HuberLoss: rho must be positive, got " + b.rho);
        }
        this.rho = b.rho;
    }

    public double rho() {
        return rho;
    }

    @Override
    protected <T> T elementLoss(F<T> F, T pred, T label) {
        T d = F.abs(F.elemwiseSub(label, pred));
        return F.where(F.greaterScalar(d, rho), F.minusScalar(d, 0.5 * rho), F.mulScalar(F.square(d), 0.5 / rho));
    }

    /** Gluon's {@code HuberLoss} arguments: {@code rho} (default 1), {@code weight}, {@code batchAxis}. */
    public static final class Builder extends Loss.Builder<Builder, HuberLoss> {
        private double rho = 1;

        private Builder() {
            super(null);
        }

        /** The threshold between the quadratic and the linear part (default 1). */
        public Builder rho(double r) {
            this.rho = r;
            return this;
        }

        @Override
        public HuberLoss build() {
            return new HuberLoss(this);
        }
    }
}
