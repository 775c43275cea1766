package dev.kiln.metric;

import java.util.List;

/**
 * The Matthews correlation coefficient of a binary classifier,
 * {@code (tp*tn - fp*fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))} with zero factors taken as 1 (MXNet's {@code MCC}).
 * Inputs as for {@link F1}; see {@link PCC} for more than two classes.
 */
public final class MCC extends BinaryClassificationMetric {
    /** Macro-averaged MCC named {@code "mcc"}. */
    public MCC() {
        this(Average.MACRO);
    }

    /** MCC combined over batches as {@code average} says. */
    public MCC(Average average) {
        this("mcc", null, null, average);
    }

    /** Every MXNet argument. */
    public MCC(String name, List<String> outputNames, List<String> labelNames, Average average) {
        super(name, outputNames, labelNames, average);
    }

    @Override
    double score(BinaryCounts counts, boolean useGlobal) {
        return counts.matthews(useGlobal);
    }
}
