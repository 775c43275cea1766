package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an optimizer keeps for one parameter between updates (momentum, first and second moments, ...), as named
 * arrays in a fixed order. The names are part of Kiln's optimizer-state file format, so they never change once
 * released. An optimizer without state (plain SGD) uses {@link #EMPTY}.
 *
 * @param arrays the state arrays by name, in the optimizer's order; updated in place by each step
 */
public record OptimizerState(Map<String, NDArray> arrays) {
    /** The state of an optimizer that keeps nothing per parameter. */
    public static final OptimizerState EMPTY = new OptimizerState(Map.of());

    public OptimizerState {
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** A state of the given name and array pairs, in that order: {@code of("mean", m, "var", v)}. */
    public static OptimizerState of(Object... nameAndArray) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndArray.length; i += 2) {
            m.put((String) nameAndArray[i], (NDArray) nameAndArray[i + 1]);
        }
        return new OptimizerState(m);
    }

    /** The array called {@code name}; an optimizer asks only for names it created. */
    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("optimizer state has no array '" + name + "' (it has "
                    + arrays.keySet() + ")");
        }
        return a;
    }
}
