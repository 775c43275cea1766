package dev.kiln.estimator;

/**
 * Called after each batch's forward and backward pass; returning {@code true} ends the epoch after every
 * batch-end handler of this batch has run.
 */
public interface BatchEnd extends EventHandler {
    boolean batchEnd(Estimator estimator, BatchResult result);
}
