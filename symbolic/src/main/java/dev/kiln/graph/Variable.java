package dev.kiln.graph;

import java.util.List;
import java.util.Map;

/**
 * A graph input: an argument fed by the caller or an auxiliary state an op updates (BatchNorm's moving mean). Its
 * annotations carry what {@code Symbol.var} was given ({@code __shape__}, {@code __dtype__}, {@code __init__}, ...).
 */
public record Variable(String name, Map<String, String> attrs) implements Node {
    public Variable {
        GraphChecks.requireName(name);
        attrs = GraphChecks.sortedCopy(attrs);
    }

    public Variable(String name) {
        this(name, Map.of());
    }

    @Override
    public List<Entry> inputs() {
        return List.of();
    }

    @Override
    public int numOutputs() {
        return 1;
    }

    @Override
    public int numVisibleOutputs() {
        return 1;
    }

    /** This variable with one more annotation. */
    public Variable withAttr(String key, String value) {
        java.util.Map<String, String> a = new java.util.LinkedHashMap<>(attrs);
        a.put(key, value);
        return new Variable(name, a);
    }
}
