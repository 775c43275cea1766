package dev.kiln.estimator;

import dev.kiln.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * The handlers the estimator adds to the user's (Gluon's {@code _prepare_default_handlers}): always a stopping
 * handler; a gradient update, metric, validation (when there is validation data), logging, history and progress-bar
 * handler unless the user gave one of that kind. The user's come first, so they win priority ties.
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
            all.add(LoggingHandler.perEpoch());
        }
        if (none(user, HistoryHandler.class)) {
            all.add(new HistoryHandler());
        }
        Boolean bar = estimator.progressBarSetting();
        if (none(user, ProgressBarHandler.class) && (bar != null ? bar : ProgressBarHandler.interactive())) {
            all.add(new ProgressBarHandler(System.err));
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
