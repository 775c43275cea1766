package dev.kiln.estimator;

/** Called once after the last epoch of {@link Estimator#fit}, also when a handler stopped training early. */
public interface TrainEnd extends EventHandler {
    void trainEnd(Estimator estimator);
}
