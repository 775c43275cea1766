package dev.kiln.optimizer.schedule;

import dev.kiln.KilnException;

/**
 * A schedule that decays from its constructor's base rate to {@code final_lr} over the updates between the end of
 * the warm-up and {@code max_update}, then stays at the last rate it gave, as MXNet's Poly and Cosine schedules.
 * As in MXNet, the decay starts from the base rate the schedule was built with, not the one the optimizer sets.
 */
public abstract class DecayScheduler extends WarmupScheduler {
    private final long maxUpdate;
    private final double finalLr;
    private final double startLr;
    private final long maxSteps;

    protected DecayScheduler(String schedule, long maxUpdate, double finalLr, Builder<?, ?> b) {
        super(schedule, b);
        if (maxUpdate < 1) {
            throw new KilnException(schedule + ": maxUpdate must be at least 1, got " + maxUpdate);
        }
        if (maxUpdate <= warmupSteps()) {
            throw new KilnException(schedule + ": maxUpdate (" + maxUpdate + ") must be greater than warmupSteps ("
                    + warmupSteps() + "), or the decay has no updates to run over");
        }
        this.maxUpdate = maxUpdate;
        this.finalLr = finalLr;
        this.startLr = baseLr();
        this.maxSteps = maxUpdate - warmupSteps();
    }

    @Override
    public final double learningRate(long numUpdate) {
        if (inWarmup(numUpdate)) {
            return warmupLearningRate(numUpdate);
        }
        if (numUpdate <= maxUpdate) {
            setBaseLr(finalLr + (startLr - finalLr) * remaining(numUpdate - warmupSteps(), maxSteps));
        }
        return baseLr();
    }

    /** The fraction of the way from the final rate back to the start rate after {@code done} of {@code total}. */
    protected abstract double remaining(long done, long total);

    public long maxUpdate() {
        return maxUpdate;
    }

    public double finalLr() {
        return finalLr;
    }
}
