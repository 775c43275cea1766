package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.optimizer.schedule.LRScheduler;

import java.util.List;

/**
 * Sets the trainer's learning rate from a schedule before every batch: update number {@code n} (counted from 1, as
 * {@link LRScheduler#learningRate} takes it) is the optimizer's update count plus one, so a run resumed from a
 * checkpoint (whose trainer state restores that count) continues the schedule where it stopped. For an optimizer
 * that owns no schedule itself.
 */
public final class LearningRateHandler implements TrainBegin, BatchBegin {
    private final LRScheduler schedule;

    public LearningRateHandler(LRScheduler schedule) {
        if (schedule == null) {
            throw new KilnException("LearningRateHandler: schedule is null");
        }
        this.schedule = schedule;
    }

    @Override
    public void trainBegin(Estimator estimator) {
        if (estimator.trainer().optimizer().lrScheduler() != null) {
            throw new KilnException("LearningRateHandler: optimizer '" + estimator.trainer().optimizer().name()
                    + "' already owns a learning-rate schedule; use one or the other");
        }
    }

    @Override
    public void batchBegin(Estimator estimator, List<NDArray> batch) {
        estimator.trainer().setLearningRate(schedule.learningRate(estimator.trainer().optimizer().numUpdate() + 1));
    }
}
