package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * The shared part of {@link MAE}, {@link MSE} and {@link RMSE} (MXNet 1.x): each label/prediction pair adds one
 * per-pair error to the sum and 1 to the count, so the value is the mean of the per-batch errors. A 1-D label or
 * prediction of length n is read as {@code (n, 1)}, and the two are broadcast together as numpy does.
 */
public abstract sealed class RegressionMetric extends EvalMetric permits MAE, MSE, RMSE {
    RegressionMetric(String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
    }

    /** The error of one pair from its element-wise differences {@code label - pred}. */
    abstract double error(double[] differences);

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        forEachPair(labels, preds, (label, pred) -> accumulate(error(differences(label, pred)), 1));
    }

    private double[] differences(NDArray label, NDArray pred) {
        Shape ls = asColumn(label.shape());
        Shape ps = asColumn(pred.shape());
        Shape out;
        try {
            out = Shape.broadcast(ls, ps);
        } catch (KilnException e) {
            throw mismatch(label.shape(), pred.shape(), label, pred);
        }
        double[] l = label.toDoubleArray();
        double[] p = pred.toDoubleArray();
        double[] diff = new double[out.size()];
        for (int i = 0; i < diff.length; i++) {
            int[] index = out.unravel(i);
            diff[i] = l[source(ls, index)] - p[source(ps, index)];
        }
        return diff;
    }

    private static Shape asColumn(Shape s) {
        return s.rank() == 1 ? Shape.of(s.get(0), 1) : s;
    }

    /** The flat index in an array of shape {@code s} that broadcasts to output position {@code index}. */
    private static int source(Shape s, int[] index) {
        int offset = index.length - s.rank();
        int flat = 0;
        for (int d = 0; d < s.rank(); d++) {
            int dim = s.get(d);
            flat = flat * dim + (dim == 1 ? 0 : index[d + offset]);
        }
        return flat;
    }

    /** The mean of {@code f} over {@code values}. */
    static double meanOf(double[] values, DoubleUnaryOperator f) {
        double sum = 0;
        for (double v : values) {
            sum += f.applyAsDouble(v);
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
