package dev.kiln.block;

import dev.kiln.KilnException;

import java.util.Collections;
import java.util.Map;

/**
 * The values a block's registered parameters take in one forward, by attribute name ({@code weight}, {@code bias}):
 * their data when the block runs eagerly, their variables when it is traced. What {@code hybridForward} reads.
 *
 * @param <T> {@code NDArray} or {@code Symbol}
 */
public final class ParameterValues<T> {
    private final String block;
    private final Map<String, T> values;

    /** Takes ownership of {@code values} (the caller builds a fresh map per forward; no second copy). */
    ParameterValues(String block, Map<String, T> values) {
        this.block = block;
        this.values = Collections.unmodifiableMap(values);
    }

    /** The value of the parameter registered as {@code name}; fails naming the block and the names it has. */
    public T get(String name) {
        T v = values.get(name);
        if (v == null) {
            throw new KilnException("block '" + block + "' has no parameter '" + name + "'; it has "
                    + values.keySet());
        }
        return v;
    }

    /** Whether a parameter is registered as {@code name} (e.g. an optional bias). */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** Every value, by attribute name, in registration order. */
    public Map<String, T> asMap() {
        return values;
    }
}
