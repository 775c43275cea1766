package dev.kiln.metric;

import java.util.List;

/**
 * Mean squared error: per label/prediction pair the mean of {@code (label - pred)^2};
 * the pairs' errors are averaged (MXNet's {@code MSE}). See {@link RegressionMetric} for the shape rules.
 */
public final class MSE extends RegressionMetric {
    /** Named {@code "mse"}. */
    public MSE() {
        this("mse", null, null);
    }

    /** Every MXNet argument. */
    public MSE(String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
    }

    @Override
    double error(double[] d) {
        return meanOf(d, x -> x * x);
    }
}
