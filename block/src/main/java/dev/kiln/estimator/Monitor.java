package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.metric.EvalMetric;
import dev.kiln.metric.MetricValue;

import java.util.List;

/**
 * A single-valued metric watched by a handler, with the direction in which it improves; shared by checkpointing
 * (best model) and early stopping.
 */
final class Monitor {
    private final EvalMetric metric;
    private final boolean greater;

    Monitor(String handler, EvalMetric metric, MonitorMode mode) {
        if (metric == null) {
            throw new KilnException(handler + ": a monitor metric is required; pass one of the estimator's "
                    + "trainMetrics() or valMetrics()");
        }
        if (metric.getNameValue().size() != 1) {
            throw new KilnException(handler + ": monitor '" + metric.name() + "' reports "
                    + metric.getNameValue().size() + " values; a composite metric is not supported, pass a simple one");
        }
        this.metric = metric;
        this.greater = mode.resolve(metric.name()) == MonitorMode.MAX;
    }

    MetricValue current() {
        List<MetricValue> values = metric.getNameValue();
        return values.getFirst();
    }

    /** The value every real value beats: +inf when smaller is better, -inf when larger is. */
    double worst() {
        return greater ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** Whether {@code value} is strictly better than {@code best}. */
    boolean improves(double value, double best) {
        return greater ? value > best : value < best;
    }

    boolean greater() {
        return greater;
    }
}
