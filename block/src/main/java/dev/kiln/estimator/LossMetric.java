package dev.kiln.estimator;

import dev.kiln.metric.EvalMetric;
import dev.kiln.metric.MetricValue;
import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * The running mean of per-sample loss values (MXNet's {@code metric.Loss}): the sum of every value seen over
 * their count. The label is ignored; the "prediction" is the loss array. NaN before the first update.
 */
public final class LossMetric extends EvalMetric {
    private double sum;
    private long count;

    public LossMetric(String name) {
        super(name);
    }

    @Override
    public void update(NDArray label, NDArray loss) {
        for (double v : loss.toDoubleArray()) {
            sum += v;
        }
        count += loss.size();
    }

    @Override
    public void reset() {
        sum = 0;
        count = 0;
    }

    @Override
    public List<MetricValue> getNameValue() {
        return List.of(new MetricValue(name(), count == 0 ? Double.NaN : sum / count));
    }
}
