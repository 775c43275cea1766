package dev.kiln.estimator;

/**
 * Ends training once the run's epoch or batch limit is reached (Gluon's {@code StoppingHandler}); the estimator
 * always adds one, reading the limits at train begin so a resumed checkpoint can shorten them first.
 */
public final class StoppingHandler implements TrainBegin, BatchEnd, EpochEnd {
    private Integer maxEpoch;
    private Integer maxBatch;
    private int currentEpoch;
    private int currentBatch;
    private boolean stop;

    @Override
    public void trainBegin(Estimator estimator) {
        maxEpoch = estimator.maxEpoch();
        maxBatch = estimator.maxBatch();
        currentEpoch = 0;
        currentBatch = 0;
        stop = false;
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        currentBatch++;
        if (maxBatch != null && currentBatch == maxBatch) {
            stop = true;
        }
        return stop;
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        currentEpoch++;
        if (maxEpoch != null && currentEpoch == maxEpoch) {
            stop = true;
        }
        return stop;
    }
}
