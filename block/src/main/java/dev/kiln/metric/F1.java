package dev.kiln.metric;

import java.util.List;

/**
 * The F1 score of a binary classifier, {@code 2 * precision * recall / (precision + recall)} (MXNet's {@code F1}),
 * with predictions as {@code (batch, 2)} scores whose argmax is the predicted class and label 1 as the positive
 * class. Averaged over batches ({@code "macro"}, the default) or pooled ({@code "micro"}).
 */
public final class F1 extends BinaryClassificationMetric {
    /** Macro-averaged F1 named {@code "f1"}. */
    public F1() {
        this(Average.MACRO);
    }

    /** F1 combined over batches as {@code average} says. */
    public F1(Average average) {
        this("f1", null, null, average);
    }

    /** Every MXNet argument. */
    public F1(String name, List<String> outputNames, List<String> labelNames, Average average) {
        super(name, outputNames, labelNames, average);
    }

    @Override
    double score(BinaryCounts counts, boolean useGlobal) {
        return counts.fscore(useGlobal);
    }
}
