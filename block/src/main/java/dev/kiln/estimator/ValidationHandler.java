package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * Runs {@link Estimator#evaluate} on the validation data every {@code epochPeriod} epochs and, when set, every
 * {@code batchPeriod} batches (Gluon's {@code ValidationHandler}, priority -1000 so that the validation metrics are
 * fresh for checkpointing, early stopping and logging at the same epoch end).
 */
public final class ValidationHandler implements TrainBegin, BatchEnd, EpochEnd {
    private final Iterable<List<NDArray>> valData;
    private final int epochPeriod;
    private final int batchPeriod;
    private final int priority;
    private int currentEpoch;
    private int currentBatch;

    /** Validates after every epoch. */
    public ValidationHandler(Iterable<List<NDArray>> valData) {
        this(valData, 1, 0, -1000);
    }

    /** A period of 0 turns that kind of validation off. */
    public ValidationHandler(Iterable<List<NDArray>> valData, int epochPeriod, int batchPeriod, int priority) {
        if (valData == null) {
            throw new KilnException("ValidationHandler: valData is null");
        }
        if (epochPeriod < 0 || batchPeriod < 0) {
            throw new KilnException("ValidationHandler: periods must be >= 0, got epochPeriod=" + epochPeriod
                    + ", batchPeriod=" + batchPeriod);
        }
        this.valData = valData;
        this.epochPeriod = epochPeriod;
        this.batchPeriod = batchPeriod;
        this.priority = priority;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public void trainBegin(Estimator estimator) {
        currentEpoch = 0;
        currentBatch = 0;
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        currentBatch++;
        if (batchPeriod > 0 && currentBatch % batchPeriod == 0) {
            estimator.evaluate(valData);
        }
        return false;
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        currentEpoch++;
        if (epochPeriod > 0 && currentEpoch % epochPeriod == 0) {
            estimator.evaluate(valData);
        }
        return false;
    }
}
