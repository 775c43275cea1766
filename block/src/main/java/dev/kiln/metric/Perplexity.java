package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * Perplexity, {@code exp(-mean(log p(label)))} over every labelled position (MXNet's {@code Perplexity}). The
 * probability of each label is picked along {@code axis} (default -1; out-of-range labels are clipped, as MXNet's
 * {@code pick}), floored at 1e-10; positions whose label equals {@code ignoreLabel} are left out ({@code null}: none
 * are). The label must hold one entry per prediction row: {@code label.size == pred.size / pred.shape[-1]}.
 */
public class Perplexity extends EvalMetric {
    private final Integer ignoreLabel;
    private final int axis;

    /** Perplexity over the last axis, ignoring positions labelled {@code ignoreLabel} ({@code null}: none). */
    public Perplexity(Integer ignoreLabel) {
        this(ignoreLabel, -1, "perplexity", null, null);
    }

    /** Every MXNet argument. */
    public Perplexity(Integer ignoreLabel, int axis, String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
        this.ignoreLabel = ignoreLabel;
        this.axis = axis;
    }

    /** The label left out of the average, or {@code null}. */
    public Integer ignoreLabel() {
        return ignoreLabel;
    }

    /** The probability axis of the predictions. */
    public int axis() {
        return axis;
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        forEachPair(labels, preds, this::add);
    }

    private void add(NDArray label, NDArray pred) {
        double loss = 0;
        double count = 0;
        if (pred.rank() == 0 || axis >= pred.rank() || axis < -pred.rank()) {
            throw badInput("probability axis " + axis + " is out of range for the predictions", label, pred);
        }
        AlongAxis along = new AlongAxis(pred.shape(), axis);
        int rows = pred.shape().get(pred.rank() - 1) == 0 ? 0 : pred.size() / pred.shape().get(pred.rank() - 1);
        if (label.size() != rows || label.size() != along.positions()) {
            throw mismatch(label.size(), along.positions(), label, pred);
        }
        double[] truth = label.toDoubleArray();
        double[] picked = along.pick(pred.toDoubleArray(), label.toIntArray());
        for (int i = 0; i < picked.length; i++) {
            if (ignoreLabel != null && truth[i] == ignoreLabel) {
                continue;
            }
            loss -= Math.log(Math.max(1e-10, picked[i]));
            count++;
        }
        accumulate(loss, count);
    }

    /** The exponential of the mean negative log-probability; {@code NaN} before any position was counted. */
    @Override
    protected double value(double sum, double count) {
        return count == 0 ? Double.NaN : Math.exp(sum / count);
    }
}
