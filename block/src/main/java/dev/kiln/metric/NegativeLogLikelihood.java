package dev.kiln.metric;

import java.util.List;

/**
 * Mean negative log-likelihood of the labels (MXNet's {@code NegativeLogLikelihood}, alias {@code "nll_loss"});
 * MXNet computes it exactly as {@link CrossEntropy}, under the name {@code "nll-loss"}.
 */
public class NegativeLogLikelihood extends CrossEntropy {
    /** Named {@code "nll-loss"}, eps 1e-12. */
    public NegativeLogLikelihood() {
        this(1e-12, "nll-loss", null, null);
    }

    /** Every MXNet argument. */
    public NegativeLogLikelihood(double eps, String name, List<String> outputNames, List<String> labelNames) {
        super(eps, name, outputNames, labelNames);
    }
}
