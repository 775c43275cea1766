package dev.kiln.metric;

import java.util.List;

/**
 * Mean absolute error: per label/prediction pair the mean of {@code |label - pred|};
 * the pairs' errors are averaged (MXNet's {@code MAE}). See {@link RegressionMetric} for the shape rules.
 */
public final class MAE extends RegressionMetric {
    /** Named {@code "mae"}. */
    public MAE() {
        this("mae", null, null);
    }

    /** Every MXNet argument. */
    public MAE(String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
    }

    @Override
    double error(double[] d) {
        return meanOf(d, Math::abs);
    }
}
