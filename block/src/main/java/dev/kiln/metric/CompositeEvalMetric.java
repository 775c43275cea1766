package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several metrics fed the same batches (MXNet's {@code CompositeEvalMetric}, alias {@code "composite"}). Its
 * {@link #getNameValue()} lists every child's values in order (nested composites flattened); it has no single
 * value, so {@link #get()} is refused.
 */
public class CompositeEvalMetric extends EvalMetric {
    private final List<EvalMetric> metrics = new ArrayList<>();

    /** An empty composite named {@code "composite"}. */
    public CompositeEvalMetric() {
        this("composite", null, null);
    }

    /** A composite of {@code metrics}, each an {@link EvalMetric} or a registered name. */
    public CompositeEvalMetric(List<?> metrics) {
        this();
        metrics.forEach(this::add);
    }

    /** Every MXNet argument but the metrics, which are {@link #add}ed. */
    public CompositeEvalMetric(String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
    }

    /** Adds a child: an {@link EvalMetric} or a registered metric name. */
    public CompositeEvalMetric add(Object metric) {
        metrics.add(MetricRegistry.of(metric));
        return this;
    }

    /** The child at {@code index}. */
    public EvalMetric getMetric(int index) {
        if (index < 0 || index >= metrics.size()) {
            throw new KilnException("metric index " + index + " is out of range 0 and " + metrics.size()
                    + " in composite '" + name() + "'");
        }
        return metrics.get(index);
    }

    /** The children, in order. */
    public List<EvalMetric> metrics() {
        return Collections.unmodifiableList(metrics);
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        for (EvalMetric m : metrics) {
            m.update(labels, preds);
        }
    }

    /** Keeps the arrays this composite's names select, then lets each child pick its own. */
    @Override
    public void updateDict(Map<String, NDArray> labels, Map<String, NDArray> preds) {
        Map<String, NDArray> l = selected(labels, labelNames());
        Map<String, NDArray> p = selected(preds, outputNames());
        for (EvalMetric m : metrics) {
            m.updateDict(l, p);
        }
    }

    private static Map<String, NDArray> selected(Map<String, NDArray> arrays, List<String> names) {
        if (names == null) {
            return arrays;
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            if (names.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public void reset() {
        metrics.forEach(EvalMetric::reset);
    }

    @Override
    public void resetLocal() {
        metrics.forEach(EvalMetric::resetLocal);
    }

    /** Refused: a composite has one value per child; use {@link #getNameValue()}. */
    @Override
    public MetricValue get() {
        throw new KilnException("composite metric '" + name() + "' has " + metrics.size()
                + " values; read them with getNameValue()");
    }

    /** Refused: a composite has one value per child; use {@link #getGlobalNameValue()}. */
    @Override
    public MetricValue getGlobal() {
        throw new KilnException("composite metric '" + name() + "' has " + metrics.size()
                + " values; read them with getGlobalNameValue()");
    }

    @Override
    public List<MetricValue> getNameValue() {
        List<MetricValue> out = new ArrayList<>();
        metrics.forEach(m -> out.addAll(m.getNameValue()));
        return out;
    }

    @Override
    public List<MetricValue> getGlobalNameValue() {
        List<MetricValue> out = new ArrayList<>();
        metrics.forEach(m -> out.addAll(m.getGlobalNameValue()));
        return out;
    }
}
