package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * Pearson's correlation between predictions and labels, both flattened (MXNet 1.x's {@code PearsonCorrelation},
 * alias {@code "pearsonr"}); each prediction must have its label's shape. {@code "macro"} (the default) averages
 * the correlation of each label/prediction pair; {@code "micro"} computes one correlation over every value seen
 * since {@link #reset}, from running means, sums of squares and co-deviations updated batch by batch (MXNet's
 * incremental, Welford-style update, exact for any batch sizes).
 *
 * <p>With {@code "micro"} the running statistics are cleared only by {@link #reset}, so the local value, when any
 * pair was seen since {@link #resetLocal}, equals the global one. MXNet's {@code get_global} answers 0 in micro
 * mode (it never fills the global sum); Kiln answers the correlation.
 */
public class PearsonCorrelation extends EvalMetric {
    private final Average average;
    private double count;
    private double meanLabel;
    private double sseLabel;
    private double meanPred;
    private double ssePred;
    private double coDeviation;

    /** Macro-averaged, named {@code "pearsonr"}. */
    public PearsonCorrelation() {
        this(Average.MACRO);
    }

    /** Combined over pairs as {@code average} says. */
    public PearsonCorrelation(Average average) {
        this("pearsonr", null, null, average);
    }

    /** Every MXNet argument. */
    public PearsonCorrelation(String name, List<String> outputNames, List<String> labelNames, Average average) {
        super(name, outputNames, labelNames);
        this.average = average;
    }

    /** How pairs are combined. */
    public Average average() {
        return average;
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        forEachPair(labels, preds, this::add);
    }

    private void add(NDArray label, NDArray pred) {
        if (!label.shape().equals(pred.shape())) {
            throw mismatch(label.shape(), pred.shape(), label, pred);
        }
        double[] l = label.toDoubleArray();
        double[] p = pred.toDoubleArray();
        if (average == Average.MACRO) {
            accumulate(correlation(p, l), 1);
        } else {
            accumulate(0, 1);
            addMicro(l, p);
        }
    }

    /** numpy's {@code corrcoef(p, l)[0, 1]}, clipped into [-1, 1]; {@code NaN} for a constant input. */
    private static double correlation(double[] p, double[] l) {
        double mp = 0;
        double ml = 0;
        for (int i = 0; i < p.length; i++) {
            mp += p[i];
            ml += l[i];
        }
        mp /= p.length;
        ml /= l.length;
        double spl = 0;
        double spp = 0;
        double sll = 0;
        for (int i = 0; i < p.length; i++) {
            spl += (p[i] - mp) * (l[i] - ml);
            spp += (p[i] - mp) * (p[i] - mp);
            sll += (l[i] - ml) * (l[i] - ml);
        }
        double r = spl / Math.sqrt(spp * sll);
        return Double.isNaN(r) ? r : Math.max(-1, Math.min(1, r));
    }

    private void addMicro(double[] l, double[] p) {
        double newCount = count + l.length;
        double oldMeanPred = meanPred;
        double[] label = welford(l, newCount, meanLabel, sseLabel);
        meanLabel = label[0];
        sseLabel = label[1];
        for (int i = 0; i < l.length; i++) {
            coDeviation += (l[i] - meanLabel) * (p[i] - oldMeanPred);
        }
        double[] pred = welford(p, newCount, meanPred, ssePred);
        meanPred = pred[0];
        ssePred = pred[1];
        count = newCount;
    }

    /** A batch's Welford update of (mean, sum of squared deviations), the count already including the batch. */
    private static double[] welford(double[] values, double newCount, double mean, double sse) {
        double newMean = mean;
        for (double v : values) {
            newMean += (v - mean) / newCount;
        }
        double newSse = sse;
        for (double v : values) {
            newSse += (v - mean) * (v - newMean);
        }
        return new double[] {newMean, newSse};
    }

    private double microValue(double instances) {
        if (instances == 0) {
            return Double.NaN;
        }
        double n = count;
        return coDeviation / ((n - 1) * Math.sqrt(ssePred / (n - 1)) * Math.sqrt(sseLabel / (n - 1)));
    }

    @Override
    public MetricValue get() {
        return average == Average.MACRO ? super.get() : new MetricValue(name(), microValue(numInst));
    }

    @Override
    public MetricValue getGlobal() {
        return average == Average.MACRO ? super.getGlobal() : new MetricValue(name(), microValue(globalNumInst));
    }

    @Override
    public void reset() {
        super.reset();
        count = 0;
        meanLabel = 0;
        sseLabel = 0;
        meanPred = 0;
        ssePred = 0;
        coDeviation = 0;
    }
}
