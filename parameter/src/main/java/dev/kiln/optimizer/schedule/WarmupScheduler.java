package dev.kiln.optimizer.schedule;

import dev.kiln.KilnException;

import java.util.Objects;

/**
 * A schedule with MXNet 1.x's optional warm-up: for updates numbered below {@code warmup_steps} the rate is the
 * warm-up's (linear from {@code warmup_begin_lr} to the base rate given to the schedule's constructor, or constant),
 * and the schedule proper takes over from there. As in MXNet, the warm-up ends at the base rate the schedule was
 * built with, even when the optimizer later sets another base rate.
 */
public abstract class WarmupScheduler extends LRScheduler {
    private final int warmupSteps;
    private final double warmupBeginLr;
    private final double warmupFinalLr;
    private final WarmupMode warmupMode;

    protected WarmupScheduler(String schedule, Builder<?, ?> b) {
        super(b.baseLr);
        if (b.warmupSteps < 0) {
            throw new KilnException(schedule + ": warmupSteps must be 0 or more, got " + b.warmupSteps);
        }
        if (b.warmupBeginLr > b.baseLr) {
            throw new KilnException(schedule + ": baseLr (" + b.baseLr + ") must not be below warmupBeginLr ("
                    + b.warmupBeginLr + ")");
        }
        this.warmupSteps = b.warmupSteps;
        this.warmupBeginLr = b.warmupBeginLr;
        this.warmupFinalLr = b.baseLr;
        this.warmupMode = Objects.requireNonNull(b.warmupMode, "warmupMode");
    }

    /** Whether update {@code numUpdate} is still in the warm-up. */
    protected boolean inWarmup(long numUpdate) {
        return numUpdate < warmupSteps;
    }

    /** The warm-up rate for update {@code numUpdate}, which must be below {@code warmupSteps}. */
    protected double warmupLearningRate(long numUpdate) {
        return switch (warmupMode) {
            case LINEAR -> warmupBeginLr + (warmupFinalLr - warmupBeginLr) * numUpdate / warmupSteps;
            case CONSTANT -> warmupBeginLr;
        };
    }

    public int warmupSteps() {
        return warmupSteps;
    }

    public double warmupBeginLr() {
        return warmupBeginLr;
    }

    public WarmupMode warmupMode() {
        return warmupMode;
    }

    /**
     * The arguments every schedule shares, with MXNet's defaults: {@code baseLr} 0.01, no warm-up, linear mode.
     *
     * @param <B> the concrete builder
     * @param <S> the schedule it builds
     */
    public abstract static class Builder<B extends Builder<B, S>, S extends WarmupScheduler> {
        private double baseLr = 0.01;
        private int warmupSteps;
        private double warmupBeginLr;
        private WarmupMode warmupMode = WarmupMode.LINEAR;

        /** The rate the warm-up ends at and the schedule starts from (the optimizer may reset the latter). */
        public B baseLr(double lr) {
            this.baseLr = lr;
            return self();
        }

        /** How many updates the warm-up lasts (0: none). */
        public B warmupSteps(int steps) {
            this.warmupSteps = steps;
            return self();
        }

        /** The rate the warm-up starts from. */
        public B warmupBeginLr(double lr) {
            this.warmupBeginLr = lr;
            return self();
        }

        public B warmupMode(WarmupMode mode) {
            this.warmupMode = mode;
            return self();
        }

        /** MXNet's spelling of the mode, {@code "linear"} or {@code "constant"}. */
        public B warmupMode(String mode) {
            return warmupMode(WarmupMode.parse(mode));
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        public abstract S build();
    }
}
