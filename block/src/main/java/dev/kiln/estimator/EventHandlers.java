package dev.kiln.estimator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The handlers of one fit or evaluation run sorted into the six call points, each list in ascending priority with
 * ties kept in the given order (Gluon's {@code _categorize_handlers} after its stable sort).
 */
record EventHandlers(List<TrainBegin> trainBegin, List<EpochBegin> epochBegin, List<BatchBegin> batchBegin,
                     List<BatchEnd> batchEnd, List<EpochEnd> epochEnd, List<TrainEnd> trainEnd) {

    static EventHandlers categorize(List<? extends EventHandler> handlers) {
        List<EventHandler> sorted = new ArrayList<>(handlers);
        sorted.sort(Comparator.comparingInt(EventHandler::priority));
        return new EventHandlers(only(sorted, TrainBegin.class), only(sorted, EpochBegin.class),
                only(sorted, BatchBegin.class), only(sorted, BatchEnd.class), only(sorted, EpochEnd.class),
                only(sorted, TrainEnd.class));
    }

    private static <H> List<H> only(List<EventHandler> sorted, Class<H> kind) {
        return sorted.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** Every batch-end handler runs; the result says whether any asked to stop. */
    boolean batchEnd(Estimator estimator, BatchResult result) {
        boolean stop = false;
        for (BatchEnd h : batchEnd) {
            stop |= h.batchEnd(estimator, result);
        }
        return stop;
    }

    /** Every epoch-end handler runs; the result says whether any asked to stop. */
    boolean epochEnd(Estimator estimator) {
        boolean stop = false;
        for (EpochEnd h : epochEnd) {
            stop |= h.epochEnd(estimator);
        }
        return stop;
    }
}
