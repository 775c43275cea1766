package dev.kiln.optimizer.schedule;

import dev.kiln.KilnException;

import java.util.List;

/**
 * Multiplies the rate by {@code factor} once each given update number is passed, as MXNet's
 * {@code MultiFactorScheduler}: after update {@code steps[k]} the rate is the base rate times
 * {@code factor^(k+1)}. Keeps state as MXNet's does, catching up to whatever update number it is asked about.
 */
public final class MultiFactorScheduler extends WarmupScheduler {
    private final long[] steps;
    private final double factor;
    private int nextStep;

    /** Multiplies by {@code factor} after each of the increasing update numbers {@code steps}. */
    public MultiFactorScheduler(List<Integer> steps, double factor) {
        this(builder(steps).factor(factor));
    }

    private MultiFactorScheduler(Builder b) {
        super("MultiFactorScheduler", b);
        if (b.steps.isEmpty()) {
            throw new KilnException("MultiFactorScheduler: steps must name at least one update");
        }
        steps = new long[b.steps.size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = b.steps.get(i);
            if (i > 0 && steps[i] <= steps[i - 1]) {
                throw new KilnException("MultiFactorScheduler: steps must be increasing, got " + b.steps);
            }
            if (steps[i] < 1) {
                throw new KilnException("MultiFactorScheduler: every step must be at least 1 update, got " + b.steps);
            }
        }
        if (b.factor > 1.0) {
            throw new KilnException("MultiFactorScheduler: factor must be at most 1 so the rate decreases, got "
                    + b.factor);
        }
        this.factor = b.factor;
    }

    /** A builder with MXNet's defaults: factor 1, base 0.01, no warm-up. */
    public static Builder builder(List<Integer> steps) {
        return new Builder(steps);
    }

    @Override
    public double learningRate(long numUpdate) {
        if (inWarmup(numUpdate)) {
            return warmupLearningRate(numUpdate);
        }
        while (nextStep < steps.length && numUpdate > steps[nextStep]) {
            nextStep++;
            setBaseLr(baseLr() * factor);
        }
        return baseLr();
    }

    public double factor() {
        return factor;
    }

    /** The builder of a {@link MultiFactorScheduler}. */
    public static final class Builder extends WarmupScheduler.Builder<Builder, MultiFactorScheduler> {
        private final List<Integer> steps;
        private double factor = 1;

        private Builder(List<Integer> steps) {
            this.steps = List.copyOf(steps);
        }

        public Builder factor(double f) {
            this.factor = f;
            return this;
        }

        @Override
        public MultiFactorScheduler build() {
            return new MultiFactorScheduler(this);
        }
    }
}
