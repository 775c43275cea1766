package dev.kiln.estimator;

/**
 * Called after the last batch of every epoch; returning {@code true} asks the estimator to stop training after
 * every epoch-end handler of this epoch has run.
 */
public interface EpochEnd extends EventHandler {
    boolean epochEnd(Estimator estimator);
}
