package dev.kiln.op;

import java.util.List;
import java.util.Map;

/**
 * What {@code F} is in {@code hybridForward(F, x, ...)}: something that applies registered ops to values of type
 * {@code T} (NDArrays when eager, Symbols when tracing). The typed per-op methods of the generated surface
 * ({@code dev.kiln.op.surface.F}) all end here, so a backend implements one method.
 *
 * @param <T> the value type, {@code NDArray} or {@code Symbol}
 */
public interface OpBackend<T> {

    /** Applies the op named {@code op} (MXNet name or alias) and returns all its outputs. */
    List<T> apply(String op, Map<String, ?> attrs, List<T> inputs);

    /** Applies an op with one output. */
    default T applyOne(String op, Map<String, ?> attrs, List<T> inputs) {
        List<T> out = apply(op, attrs, inputs);
        if (out.size() != 1) {
            throw new dev.kiln.KilnException("op '" + op + "' returned " + out.size() + " outputs where one was expected");
        }
        return out.get(0);
    }
}
