package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * The mean of loss values (MXNet's {@code Loss} metric, registered as {@code "loss"}, also {@code "torch"} and
 * {@code "caffe"}): every element of every prediction array is a per-sample loss; labels are ignored.
 */
public class LossMetric extends EvalMetric {
    /** Named {@code "loss"}. */
    public LossMetric() {
        this("loss", null, null);
    }

    /** Every MXNet argument. */
    public LossMetric(String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
    }

    /** Adds the losses in {@code preds}; {@code labels} may be anything, {@code null} included. */
    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        for (NDArray pred : preds) {
            double sum = 0;
            for (double v : pred.toDoubleArray()) {
                sum += v;
            }
            accumulate(sum, pred.size());
        }
    }

    /** Adds the losses in {@code pred}; {@code label} may be {@code null}. */
    @Override
    public void update(NDArray label, NDArray pred) {
        update(null, List.of(pred));
    }
}
