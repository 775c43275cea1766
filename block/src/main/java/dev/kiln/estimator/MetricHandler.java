package dev.kiln.estimator;

import dev.kiln.metric.EvalMetric;
import dev.kiln.metric.LossMetric;

import java.util.List;

/**
 * Resets its metrics at each epoch begin and updates them at each batch end: {@link LossMetric}s from the loss,
 * the others from label and prediction (Gluon's {@code MetricHandler}, priority -1000 so that later handlers read
 * this batch's values).
 */
public final class MetricHandler implements EpochBegin, BatchEnd {
    private final List<EvalMetric> metrics;
    private final int priority;

    public MetricHandler(List<EvalMetric> metrics) {
        this(metrics, -1000);
    }

    public MetricHandler(List<EvalMetric> metrics, int priority) {
        this.metrics = List.copyOf(metrics);
        this.priority = priority;
    }

    public List<EvalMetric> metrics() {
        return metrics;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public void epochBegin(Estimator estimator) {
        metrics.forEach(EvalMetric::reset);
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        for (EvalMetric m : metrics) {
            if (m instanceof LossMetric) {
                m.update(result.label(), result.loss());
            } else {
                m.update(result.label(), result.pred());
            }
        }
        return false;
    }
}
