package dev.kiln.metric;

import java.util.List;

/**
 * Root mean squared error: per label/prediction pair the square root of the mean of
 * {@code (label - pred)^2};
 * the pairs' errors are averaged (MXNet's {@code RMSE}). See {@link RegressionMetric} for the shape rules.
 */
public final class RMSE extends RegressionMetric {
    /** Named {@code "rmse"}. */
    public RMSE() {
        this("rmse", null, null);
    }

    /** Every MXNet argument. */
    public RMSE(String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
    }

    @Override
    double error(double[] d) {
        return Math.sqrt(meanOf(d, x -> x * x));
    }
}
