package dev.kiln.estimator;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * What processing one batch produced: the batch as loaded, the data and label on the estimator's device, the net's
 * prediction and the per-sample loss (Gluon's {@code batch, data, label, pred, loss} keyword arguments).
 */
public record BatchResult(List<NDArray> batch, NDArray data, NDArray label, NDArray pred, NDArray loss) {
    /** The number of samples in the batch: the loss's first (batch) axis. */
    public int batchSize() {
        return loss.rank() == 0 ? 1 : loss.shape().get(0);
    }
}
