package dev.kiln.optimizer.schedule;

import dev.kiln.KilnException;

/**
 * Multiplies the rate by {@code factor} every {@code step} updates, never below {@code stop_factor_lr}, as MXNet's
 * {@code FactorScheduler}. Like MXNet's it keeps state: each call catches the base rate up to the update number it
 * is given (so a fresh schedule asked about update N, as after resuming, lands on the same rate), and it starts
 * from the base rate the optimizer sets.
 */
public final class FactorScheduler extends WarmupScheduler {
    private final int step;
    private final double factor;
    private final double stopFactorLr;
    private long count;

    /** Every {@code step} updates the rate is multiplied by {@code factor}. */
    public FactorScheduler(int step, double factor) {
        this(builder(step).factor(factor));
    }

    private FactorScheduler(Builder b) {
        super("FactorScheduler", b);
        if (b.step < 1) {
            throw new KilnException("FactorScheduler: step must be at least 1 update, got " + b.step);
        }
        if (b.factor > 1.0) {
            throw new KilnException("FactorScheduler: factor must be at most 1 so the rate decreases, got " + b.factor);
        }
        this.step = b.step;
        this.factor = b.factor;
        this.stopFactorLr = b.stopFactorLr;
    }

    /** A builder with MXNet's defaults: factor 1, stop_factor_lr 1e-8, base 0.01, no warm-up. */
    public static Builder builder(int step) {
        return new Builder(step);
    }

    @Override
    public double learningRate(long numUpdate) {
        if (inWarmup(numUpdate)) {
            return warmupLearningRate(numUpdate);
        }
        while (numUpdate > count + step) {
            count += step;
            double lr = baseLr() * factor;
            setBaseLr(lr < stopFactorLr ? stopFactorLr : lr);
        }
        return baseLr();
    }

    public int step() {
        return step;
    }

    public double factor() {
        return factor;
    }

    public double stopFactorLr() {
        return stopFactorLr;
    }

    /** The builder of a {@link FactorScheduler}. */
    public static final class Builder extends WarmupScheduler.Builder<Builder, FactorScheduler> {
        private final int step;
        private double factor = 1;
        private double stopFactorLr = 1e-8;

        private Builder(int step) {
            this.step = step;
        }

        public Builder factor(double f) {
            this.factor = f;
            return this;
        }

        /** The floor the rate stops at. */
        public Builder stopFactorLr(double lr) {
            this.stopFactorLr = lr;
            return this;
        }

        @Override
        public FactorScheduler build() {
            return new FactorScheduler(this);
        }
    }
}
