package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The fraction of samples whose label is among the {@code topK} highest-scoring classes (MXNet's
 * {@code TopKAccuracy}, aliases {@code "top_k_accuracy"}, {@code "top_k_acc"}); its name carries the k, as
 * {@code "top_k_accuracy_5"}. Predictions are {@code (batch, classes)} scores; {@code topK} must exceed 1 (use
 * {@link Accuracy} otherwise), and a k above the class count counts every class.
 */
public class TopKAccuracy extends EvalMetric {
    private final int topK;

    /** Top-{@code topK} accuracy named {@code "top_k_accuracy_<topK>"}. */
    public TopKAccuracy(int topK) {
        this(topK, "top_k_accuracy", null, null);
    }

    /** Every MXNet argument; the shown name is {@code name + "_" + topK}. */
    public TopKAccuracy(int topK, String name, List<String> outputNames, List<String> labelNames) {
        super(checked(topK, name) + "_" + topK, outputNames, labelNames);
        this.topK = topK;
    }

    private static String checked(int topK, String name) {
        if (topK <= 1) {
            throw new KilnException("TopKAccuracy needs top_k > 1, got " + topK + "; use Accuracy for top-1");
        }
        return name;
    }

    /** How many of the best classes count as a hit. */
    public int topK() {
        return topK;
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        forEachPair(labels, preds, this::add);
    }

    private void add(NDArray label, NDArray pred) {
        int samples = requireScoresPerSample(label, pred);
        int classes = pred.shape().get(1);
        int[] truth = label.toIntArray();
        double[] scores = pred.toDoubleArray();
        int k = Math.min(topK, classes);
        int hits = 0;
        for (int s = 0; s < samples; s++) {
            if (inTopK(scores, s * classes, classes, k, truth[s])) {
                hits++;
            }
        }
        accumulate(hits, samples);
    }

    private static boolean inTopK(double[] scores, int offset, int classes, int k, int label) {
        Integer[] order = new Integer[classes];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer c) -> scores[offset + c]).reversed());
        for (int j = 0; j < k; j++) {
            if (order[j] == label) {
                return true;
            }
        }
        return false;
    }
}
