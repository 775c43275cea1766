package dev.kiln.estimator;

/** Called before the first batch of every epoch (of training, and of an evaluation pass). */
public interface EpochBegin extends EventHandler {
    void epochBegin(Estimator estimator);
}
