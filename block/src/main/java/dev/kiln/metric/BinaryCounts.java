package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

import java.util.Arrays;

/**
 * True/false positive/negative counts of a binary classifier, kept locally and globally (MXNet's
 * {@code _BinaryClassificationMetrics}): the predicted class is the argmax over axis 1 of {@code (batch, 2)} scores,
 * the positive class is label 1, and labels with more than two distinct values are refused.
 */
final class BinaryCounts {
    /** Counts in the order tp, fp, fn, tn. */
    private final double[] local = new double[4];
    private final double[] global = new double[4];

    /** Counts one label/prediction pair; {@code metric} reports bad inputs. */
    void add(EvalMetric metric, NDArray label, NDArray pred) {
        metric.requireScoresPerSample(label, pred);
        int[] truth = label.toIntArray();
        long distinct = Arrays.stream(truth).distinct().count();
        if (distinct > 2) {
            throw metric.badInput(metric.getClass().getSimpleName() + " supports binary classification only; the"
                    + " labels hold " + distinct + " distinct values", label, pred);
        }
        int[] predicted = new AlongAxis(pred.shape(), 1).argmax(pred.toDoubleArray());
        for (int i = 0; i < truth.length; i++) {
            boolean predTrue = predicted[i] == 1;
            boolean labelTrue = truth[i] == 1;
            int slot = predTrue ? (labelTrue ? 0 : 1) : (labelTrue ? 2 : 3);
            local[slot]++;
            global[slot]++;
        }
    }

    /** F1 score of the local ({@code useGlobal} false) or global counts; 0 when undefined. */
    double fscore(boolean useGlobal) {
        double[] c = useGlobal ? global : local;
        double precision = c[0] + c[1] > 0 ? c[0] / (c[0] + c[1]) : 0;
        double recall = c[0] + c[2] > 0 ? c[0] / (c[0] + c[2]) : 0;
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }

    /** Matthews correlation of the local or global counts; zero factors of the denominator count as 1. */
    double matthews(boolean useGlobal) {
        double[] c = useGlobal ? global : local;
        if (total(useGlobal) == 0) {
            return 0;
        }
        double tp = c[0];
        double fp = c[1];
        double fn = c[2];
        double tn = c[3];
        double denominator = 1;
        for (double term : new double[] {tp + fp, tp + fn, tn + fp, tn + fn}) {
            if (term != 0) {
                denominator *= term;
            }
        }
        return (tp * tn - fp * fn) / Math.sqrt(denominator);
    }

    /** How many samples the local or global counts hold. */
    double total(boolean useGlobal) {
        double[] c = useGlobal ? global : local;
        return c[0] + c[1] + c[2] + c[3];
    }

    void resetLocal() {
        Arrays.fill(local, 0);
    }

    void reset() {
        resetLocal();
        Arrays.fill(global, 0);
    }
}
