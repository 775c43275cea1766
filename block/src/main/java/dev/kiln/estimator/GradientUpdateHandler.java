package dev.kiln.estimator;

/**
 * Steps the trainer at each batch end with the batch's size (Gluon's {@code GradientUpdateHandler}, priority -2000
 * so that parameters are updated before metrics and checkpoints look at them).
 */
public final class GradientUpdateHandler implements BatchEnd {
    private final int priority;

    public GradientUpdateHandler() {
        this(-2000);
    }

    public GradientUpdateHandler(int priority) {
        this.priority = priority;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        estimator.trainer().step(result.batchSize());
        return false;
    }
}
