package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * The shared bookkeeping of {@link F1} and {@link MCC} (MXNet 1.x): with {@link Average#MACRO} each update scores
 * its own batch and the batches' scores are averaged (the counts restart every update, locally and globally); with
 * {@link Average#MICRO} one score is computed from the counts pooled since the last reset, weighted by the sample
 * count.
 */
public abstract sealed class BinaryClassificationMetric extends EvalMetric permits F1, MCC {
    private final Average average;
    private final BinaryCounts counts = new BinaryCounts();

    BinaryClassificationMetric(String name, List<String> outputNames, List<String> labelNames, Average average) {
        super(name, outputNames, labelNames);
        this.average = average;
    }

    /** How batches are combined. */
    public Average average() {
        return average;
    }

    /** The score of the local or global counts. */
    abstract double score(BinaryCounts counts, boolean useGlobal);

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        forEachPair(labels, preds, (label, pred) -> counts.add(this, label, pred));
        if (average == Average.MACRO) {
            sumMetric += score(counts, false);
            globalSumMetric += score(counts, true);
            numInst += 1;
            globalNumInst += 1;
            counts.reset();
        } else {
            sumMetric = score(counts, false) * counts.total(false);
            globalSumMetric = score(counts, true) * counts.total(true);
            numInst = counts.total(false);
            globalNumInst = counts.total(true);
        }
    }

    @Override
    public void reset() {
        super.reset();
        counts.reset();
    }

    @Override
    public void resetLocal() {
        super.resetLocal();
        counts.resetLocal();
    }
}
