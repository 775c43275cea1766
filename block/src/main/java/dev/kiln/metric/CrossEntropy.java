package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * Mean cross-entropy, {@code -log(p[label] + eps)} per sample (MXNet's {@code CrossEntropy}, alias {@code "ce"}).
 * Predictions are {@code (batch, classes)} probabilities; the label is flattened to one class index per sample
 * (negative indices count from the end, as numpy indexing does).
 */
public class CrossEntropy extends EvalMetric {
    private final double eps;

    /** Named {@code "cross-entropy"}, eps 1e-12. */
    public CrossEntropy() {
        this(1e-12);
    }

    /** Adds {@code eps} to each probability before the log. */
    public CrossEntropy(double eps) {
        this(eps, "cross-entropy", null, null);
    }

    /** Every MXNet argument. */
    public CrossEntropy(double eps, String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
        this.eps = eps;
    }

    /** The constant added to each probability. */
    public double eps() {
        return eps;
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        forEachPair(labels, preds, this::add);
    }

    private void add(NDArray label, NDArray pred) {
        int samples = requireScoresPerSample(label, pred);
        int classes = pred.shape().get(1);
        long[] truth = label.toLongArray();
        double[] p = pred.toDoubleArray();
        double sum = 0;
        for (int s = 0; s < samples; s++) {
            long c = truth[s] < 0 ? truth[s] + classes : truth[s];
            if (c < 0 || c >= classes) {
                throw badInput("label " + truth[s] + " of sample " + s + " is out of range for " + classes
                        + " classes", label, pred);
            }
            sum -= Math.log(p[s * classes + (int) c] + eps);
        }
        accumulate(sum, samples);
    }
}
