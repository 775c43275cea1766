package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * An online evaluation metric (MXNet 1.x's {@code mx.metric.EvalMetric}): batches are fed with {@link #update}, the
 * running value is read with {@link #get}. Two sums are kept, as MXNet 1.x does: the local one, cleared by
 * {@link #resetLocal} (say, every logging interval), and the global one, cleared only by {@link #reset} (say, every
 * epoch). A metric that has seen nothing reports {@code NaN}. Metrics read array values; they are never
 * differentiated.
 */
public abstract class EvalMetric {
    private final String name;
    private final List<String> outputNames;
    private final List<String> labelNames;
    /** Local running sum and count since the last {@link #reset} or {@link #resetLocal}. */
    protected double sumMetric;
    protected double numInst;
    /** Global running sum and count since the last {@link #reset}. */
    protected double globalSumMetric;
    protected double globalNumInst;

    /** A metric shown as {@code name}, fed every label and prediction array. */
    protected EvalMetric(String name) {
        this(name, null, null);
    }

    /**
     * A metric shown as {@code name}; {@code outputNames}/{@code labelNames} choose which named arrays
     * {@link #updateDict} passes on ({@code null}: all of them, in order).
     */
    protected EvalMetric(String name, List<String> outputNames, List<String> labelNames) {
        if (name == null || name.isEmpty()) {
            throw new KilnException("a metric needs a non-empty name");
        }
        this.name = name;
        this.outputNames = outputNames == null ? null : List.copyOf(outputNames);
        this.labelNames = labelNames == null ? null : List.copyOf(labelNames);
    }

    /** The name shown for this metric ({@code "accuracy"}, {@code "top_k_accuracy_5"}, ...). */
    public String name() {
        return name;
    }

    /** The prediction names {@link #updateDict} picks, or {@code null} for all. */
    public List<String> outputNames() {
        return outputNames;
    }

    /** The label names {@link #updateDict} picks, or {@code null} for all. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** Adds one batch given as a single label array and a single prediction array. */
    public void update(NDArray label, NDArray pred) {
        update(List.of(label), List.of(pred));
    }

    /** Adds one batch: the i-th label array goes with the i-th prediction array. */
    public abstract void update(List<NDArray> labels, List<NDArray> preds);

    /**
     * Adds one batch given as named arrays, keeping those named by {@link #labelNames()}/{@link #outputNames()}
     * (all, in map order, when those are {@code null}).
     */
    public void updateDict(Map<String, NDArray> labels, Map<String, NDArray> preds) {
        update(pick(labels, labelNames, "label"), pick(preds, outputNames, "output"));
    }

    private List<NDArray> pick(Map<String, NDArray> arrays, List<String> names, String kind) {
        if (names == null) {
            return new ArrayList<>(arrays.values());
        }
        List<NDArray> out = new ArrayList<>();
        for (String n : names) {
            NDArray a = arrays.get(n);
            if (a == null) {
                throw new KilnException("metric '" + name + "': no " + kind + " named '" + n + "' among "
                        + arrays.keySet());
            }
            out.add(a);
        }
        return out;
    }

    /** Clears the local and the global sums. */
    public void reset() {
        resetLocal();
        globalSumMetric = 0;
        globalNumInst = 0;
    }

    /** Clears the local sums only; the global ones keep counting. */
    public void resetLocal() {
        sumMetric = 0;
        numInst = 0;
    }

    /** The local value: since the last {@link #reset} or {@link #resetLocal}. */
    public MetricValue get() {
        return new MetricValue(name, value(sumMetric, numInst));
    }

    /** The global value: since the last {@link #reset}. */
    public MetricValue getGlobal() {
        return new MetricValue(name, value(globalSumMetric, globalNumInst));
    }

    /** The local values as (name, value) pairs; one pair except for {@link CompositeEvalMetric}. */
    public List<MetricValue> getNameValue() {
        return List.of(get());
    }

    /** The global values as (name, value) pairs; one pair except for {@link CompositeEvalMetric}. */
    public List<MetricValue> getGlobalNameValue() {
        return List.of(getGlobal());
    }

    /** The reported value for a running sum and count: their mean, {@code NaN} for a zero count. */
    protected double value(double sum, double count) {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Adds a batch's contribution to both the local and the global sums. */
    protected final void accumulate(double sum, double count) {
        sumMetric += sum;
        numInst += count;
        globalSumMetric += sum;
        globalNumInst += count;
    }

    /** MXNet's {@code check_label_shapes}: as many label arrays as prediction arrays. */
    protected final void checkSameCount(List<NDArray> labels, List<NDArray> preds) {
        if (labels.size() != preds.size()) {
            throw new KilnException("metric '" + name + "': shape of labels " + labels.size()
                    + " does not match shape of predictions " + preds.size() + " (number of arrays: label shapes "
                    + shapes(labels) + ", prediction shapes " + shapes(preds) + ")");
        }
    }

    /** Checks the counts, then hands each label/prediction pair to {@code perPair} in order. */
    protected final void forEachPair(List<NDArray> labels, List<NDArray> preds, BiConsumer<NDArray, NDArray> perPair) {
        checkSameCount(labels, preds);
        for (int i = 0; i < labels.size(); i++) {
            perPair.accept(labels.get(i), preds.get(i));
        }
    }

    /**
     * Checks that {@code pred} is {@code (batch, classes)} scores and {@code label} holds one value per sample, and
     * returns the batch size.
     */
    protected final int requireScoresPerSample(NDArray label, NDArray pred) {
        if (pred.rank() != 2) {
            throw badInput(getClass().getSimpleName() + " needs predictions of shape (batch, classes)", label, pred);
        }
        int samples = pred.shape().get(0);
        if (label.size() != samples) {
            throw mismatch(label.size(), samples, label, pred);
        }
        return samples;
    }

    /** An error for a label and a prediction that do not fit, naming what differs and both shapes. */
    protected final KilnException mismatch(Object labelExtent, Object predExtent, NDArray label, NDArray pred) {
        return new KilnException("metric '" + name + "': shape of labels " + labelExtent
                + " does not match shape of predictions " + predExtent + " (label shape " + label.shape()
                + ", prediction shape " + pred.shape() + ")");
    }

    /** An error for an input this metric cannot read, naming both shapes. */
    protected final KilnException badInput(String problem, NDArray label, NDArray pred) {
        return new KilnException("metric '" + name + "': " + problem + " (label shape " + label.shape()
                + ", prediction shape " + pred.shape() + ")");
    }

    private static String shapes(List<NDArray> arrays) {
        return arrays.stream().map(a -> a.shape().toString()).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * A metric by MXNet's registered name or alias, case-insensitive, with default arguments: {@code "acc"},
     * {@code "f1"}, {@code "mcc"}, {@code "mae"}, {@code "mse"}, {@code "rmse"}, {@code "ce"},
     * {@code "nll_loss"}, {@code "perplexity"}, {@code "pearsonr"}, {@code "pcc"}, {@code "loss"}, ...
     */
    public static EvalMetric create(String name) {
        return MetricRegistry.create(name, Map.of());
    }

    /**
     * A metric by name with constructor arguments under MXNet's keyword names ({@code "axis"}, {@code "top_k"},
     * {@code "average"}, {@code "eps"}, {@code "ignore_label"}, {@code "name"}, {@code "output_names"},
     * {@code "label_names"}), e.g. {@code create("top_k_accuracy", Map.of("top_k", 5))}.
     */
    public static EvalMetric create(String name, Map<String, ?> options) {
        return MetricRegistry.create(name, options);
    }

    /** A {@link CompositeEvalMetric} of the given metrics, each a name or an {@code EvalMetric}. */
    public static CompositeEvalMetric create(List<?> metrics) {
        CompositeEvalMetric composite = new CompositeEvalMetric();
        for (Object m : metrics) {
            composite.add(MetricRegistry.of(m));
        }
        return composite;
    }

    /** MXNet's repr: {@code EvalMetric: {'accuracy': 0.5}}. */
    @Override
    public String toString() {
        return getNameValue().stream().map(v -> "'" + v.name() + "': " + v.value())
                .collect(Collectors.joining(", ", "EvalMetric: {", "}"));
    }
}
