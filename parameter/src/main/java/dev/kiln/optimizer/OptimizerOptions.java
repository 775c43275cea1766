package dev.kiln.optimizer;

import dev.kiln.KilnException;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keyword arguments of an optimizer, as Gluon's {@code optimizer_params} dict: MXNet's snake_case names
 * ({@code learning_rate}, {@code clip_gradient}) or their camelCase forms ({@code learningRate}). Each optimizer reads
 * the keys it knows; {@link #requireAllRead} then rejects any key nobody read, so a misspelt option is an error
 * rather than silently ignored.
 */
public final class OptimizerOptions {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Set<String> read = new LinkedHashSet<>();

    /** Options from a map of names to numbers, booleans, strings or schedules. */
    public static OptimizerOptions of(Map<String, ?> options) {
        OptimizerOptions o = new OptimizerOptions();
        options.forEach(o::set);
        return o;
    }

    /** Sets one option; a camelCase name is stored under its snake_case form. */
    public OptimizerOptions set(String name, Object value) {
        String key = snakeCase(name);
        if (values.containsKey(key)) {
            throw new KilnException("optimizer option '" + key + "' is given twice");
        }
        values.put(key, value);
        return this;
    }

    /** Whether the option was given. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The option's value as given, or null when absent; marks it read. */
    public Object value(String name) {
        read.add(name);
        return values.get(name);
    }

    /** A number option, or {@code fallback} when absent. */
    public double number(String name, double fallback) {
        Double d = optionalNumber(name);
        return d == null ? fallback : d;
    }

    /** A number option, or null when absent or given as null (MXNet's {@code None}). */
    public Double optionalNumber(String name) {
        Object v = value(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new KilnException("optimizer option '" + name + "' must be a number, got '" + s + "'");
            }
        }
        throw new KilnException("optimizer option '" + name + "' must be a number, got " + v.getClass().getSimpleName());
    }

    /** A boolean option, or {@code fallback} when absent. */
    public boolean flag(String name, boolean fallback) {
        Object v = value(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new KilnException("optimizer option '" + name + "' must be true or false, got " + v);
    }

    /** Throws when an option was given that no part of {@code optimizer} read, naming the ones it does take. */
    public void requireAllRead(String optimizer) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new KilnException("optimizer '" + optimizer + "' does not take option(s) " + unknown
                    + "; it takes " + new TreeSet<>(read));
        }
    }

    private static String snakeCase(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
