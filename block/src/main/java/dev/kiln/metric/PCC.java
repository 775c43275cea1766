package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * The multiclass Matthews correlation (MXNet's {@code PCC}): Pearson's correlation of a K x K confusion matrix,
 * {@code sum(n*C_kk - x_k*y_k) / sqrt(sum(x_k*(n - x_k)) * sum(y_k*(n - y_k)))} with row sums x (predicted) and
 * column sums y (true), {@code NaN} when either marginal is concentrated on one class. The matrix grows with the
 * largest class index seen (from 2 x 2). Predictions with their label's shape are class indices, others are
 * {@code (batch, classes)} scores reduced by argmax over axis 1.
 */
public class PCC extends EvalMetric {
    private double[][] local = new double[2][2];
    private double[][] global = new double[2][2];

    /** Named {@code "pcc"}. */
    public PCC() {
        this("pcc", null, null);
    }

    /** Every MXNet argument. */
    public PCC(String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        forEachPair(labels, preds, this::add);
        accumulate(0, 1);
    }

    private void add(NDArray label, NDArray pred) {
        int[] truth = label.toIntArray();
        int[] predicted;
        if (pred.shape().equals(label.shape())) {
            predicted = pred.toIntArray();
        } else if (pred.rank() == 2) {
            predicted = new AlongAxis(pred.shape(), 1).argmax(pred.toDoubleArray());
        } else {
            throw badInput("predictions must be class indices shaped as the labels or (batch, classes) scores",
                    label, pred);
        }
        if (predicted.length != truth.length) {
            throw mismatch(truth.length, predicted.length, label, pred);
        }
        int largest = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || predicted[i] < 0) {
                throw badInput("class indices must not be negative (sample " + i + ")", label, pred);
            }
            largest = Math.max(largest, Math.max(truth[i], predicted[i]));
        }
        if (largest >= local.length) {
            local = grown(local, largest + 1);
            global = grown(global, largest + 1);
        }
        for (int i = 0; i < truth.length; i++) {
            local[predicted[i]][truth[i]]++;
            global[predicted[i]][truth[i]]++;
        }
    }

    private static double[][] grown(double[][] m, int k) {
        double[][] out = new double[k][k];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out[i], 0, m.length);
        }
        return out;
    }

    /** The correlation of a confusion matrix (rows: predicted class, columns: true class). */
    static double correlation(double[][] c) {
        int k = c.length;
        double n = 0;
        double[] x = new double[k];
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                n += c[i][j];
                x[i] += c[i][j];
                y[j] += c[i][j];
            }
        }
        double covXX = 0;
        double covYY = 0;
        double covXY = 0;
        for (int i = 0; i < k; i++) {
            covXX += x[i] * (n - x[i]);
            covYY += y[i] * (n - y[i]);
            covXY += c[i][i] * n - x[i] * y[i];
        }
        return covXX == 0 || covYY == 0 ? Double.NaN : covXY / Math.sqrt(covXX * covYY);
    }

    @Override
    public MetricValue get() {
        return new MetricValue(name(), numInst == 0 ? Double.NaN : correlation(local));
    }

    @Override
    public MetricValue getGlobal() {
        return new MetricValue(name(), globalNumInst == 0 ? Double.NaN : correlation(global));
    }

    @Override
    public void reset() {
        super.reset();
        global = new double[local.length][local.length];
    }

    @Override
    public void resetLocal() {
        super.resetLocal();
        local = new double[local.length][local.length];
    }
}
