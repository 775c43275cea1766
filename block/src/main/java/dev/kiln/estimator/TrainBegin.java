package dev.kiln.estimator;

/** Called once before the first epoch of {@link Estimator#fit}. */
public interface TrainBegin extends EventHandler {
    void trainBegin(Estimator estimator);
}
