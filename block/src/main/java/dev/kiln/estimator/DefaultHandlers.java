package dev.kiln.estimator;

import dev.kiln.ndarray.NDArray;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The handlers the estimator adds to the user's (Gluon's {@code _prepare_default_handlers}): always a stopping
 * handler; a gradient update, metric, validation (when there is validation data), logging (at DEBUG) and history
 * handler unless the user gave one of that kind, and a progress bar when the builder named a stream for it. The
 * user's come first, so they win priority ties.
 */
final class DefaultHandlers {
    private DefaultHandlers() {
    }

    static List<EventHandler> forFit(Estimator estimator, Iterable<List<NDArray>> valData,
                                     List<? extends EventHandler> user) {
        List<EventHandler> all = new ArrayList<>(user);
        all.add(new StoppingHandler());
        if (none(user, GradientUpdateHandler.class)) {
            all.add(new GradientUpdateHandler());
        }
        if (none(user, MetricHandler.class)) {
            all.add(new MetricHandler(estimator.trainMetrics()));
        }
        if (none(user, ValidationHandler.class) && valData != null) {
            all.add(new ValidationHandler(valData));
        }
        if (none(user, LoggingHandler.class)) {
            all.add(LoggingHandler.perEpoch().atLevel(System.Logger.Level.DEBUG));
        }
        if (none(user, HistoryHandler.class)) {
            all.add(new HistoryHandler());
        }
        PrintStream bar = estimator.progressBarStream();
        if (none(user, ProgressBarHandler.class) && bar != null) {
            all.add(new ProgressBarHandler(bar));
        }
        return all;
    }

    /** Evaluation runs the user's handlers plus a metric handler for the validation metrics unless given. */
    static List<EventHandler> forEvaluate(Estimator estimator, List<? extends EventHandler> user) {
        List<EventHandler> all = new ArrayList<>(user);
        if (none(user, MetricHandler.class)) {
            all.add(new MetricHandler(estimator.valMetrics()));
        }
        return all;
    }

    private static boolean none(List<? extends EventHandler> handlers, Class<?> kind) {
        return handlers.stream().noneMatch(kind::isInstance);
    }
}
