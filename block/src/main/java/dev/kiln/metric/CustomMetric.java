package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.util.List;
import java.util.function.ToDoubleBiFunction;

/**
 * A metric computed by a Java function of one label and one prediction array (MXNet's {@code CustomMetric}). A
 * plain function's result is one value averaged over the pairs; a {@link SumFunction} returns a (sum, count) pair
 * instead, for metrics whose batches weigh differently. With {@code allowExtraOutputs} there may be more prediction
 * arrays than labels (an RNN's states); the extra ones are skipped.
 */
public class CustomMetric extends EvalMetric {
    /** A batch's contribution: a sum and the number of instances it covers. */
    public record Sum(double sum, double count) {
    }

    /** A metric function returning a (sum, count) contribution for one label/prediction pair. */
    @FunctionalInterface
    public interface SumFunction {
        Sum apply(NDArray label, NDArray pred);
    }

    private final SumFunction feval;
    private final boolean allowExtraOutputs;

    /** {@code feval}'s values averaged over the pairs, shown as {@code name}. */
    public CustomMetric(ToDoubleBiFunction<NDArray, NDArray> feval, String name) {
        this(ofValue(feval), name, false, null, null);
    }

    /** Every MXNet argument, with a function returning (sum, count). */
    public CustomMetric(SumFunction feval, String name, boolean allowExtraOutputs, List<String> outputNames,
            List<String> labelNames) {
        super(name, outputNames, labelNames);
        if (feval == null) {
            throw new KilnException("CustomMetric '" + name + "' needs a metric function");
        }
        this.feval = feval;
        this.allowExtraOutputs = allowExtraOutputs;
    }

    /** Adapts a one-value function to a (value, 1) contribution. */
    public static SumFunction ofValue(ToDoubleBiFunction<NDArray, NDArray> feval) {
        return (label, pred) -> new Sum(feval.applyAsDouble(label, pred), 1);
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        if (!allowExtraOutputs) {
            checkSameCount(labels, preds);
        }
        int pairs = Math.min(labels.size(), preds.size());
        for (int b = 0; b < pairs; b++) {
            Sum s = feval.apply(labels.get(b), preds.get(b));
            accumulate(s.sum(), s.count());
        }
    }
}
