package dev.kiln.estimator;

/**
 * Something the {@link Estimator} calls at points of the fit loop; a handler implements one or more of
 * {@link TrainBegin}, {@link EpochBegin}, {@link BatchBegin}, {@link BatchEnd}, {@link EpochEnd}, {@link TrainEnd}.
 *
 * <p>At each point the handlers run in ascending {@link #priority()} order, ties in the order they were given (the
 * user's before the defaults), as in Gluon: gradient update -2000, metrics and validation -1000, most handlers 0,
 * logging last.
 */
public interface EventHandler {
    /** Gluon's default priority for a handler that does not set one. */
    int DEFAULT_PRIORITY = 0;

    /** Where this handler runs among the others at each point: lower runs first. */
    default int priority() {
        return DEFAULT_PRIORITY;
    }
}
