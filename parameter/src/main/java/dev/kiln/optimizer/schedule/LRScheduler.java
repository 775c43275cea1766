package dev.kiln.optimizer.schedule;

/**
 * A learning rate as a function of the number of updates done so far, as MXNet's {@code mx.lr_scheduler}. The
 * optimizer that owns a schedule sets its base rate from its own {@code learning_rate}, as MXNet does.
 */
public abstract class LRScheduler {
    private double baseLr;

    protected LRScheduler(double baseLr) {
        this.baseLr = baseLr;
    }

    /** The rate the schedule starts from once warm-up is over. */
    public double baseLr() {
        return baseLr;
    }

    /** Sets the base rate; the optimizer calls this with its own learning rate when it takes the schedule. */
    public void setBaseLr(double baseLr) {
        this.baseLr = baseLr;
    }

    /** The learning rate to use for update number {@code numUpdate} (counted from 1 for the first update). */
    public abstract double learningRate(long numUpdate);
}
