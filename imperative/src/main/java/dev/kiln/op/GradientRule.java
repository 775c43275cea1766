package dev.kiln.op;

import java.util.List;

/**
 * A gradient rule as a lambda, for ops defined in tables ({@code UnaryOp.of(...).gradient(g -> ...)}). Java lambdas
 * cannot be generic, so values are typed {@code Object} here: a rule only passes them back into {@code g}, which
 * keeps them NDArrays or Symbols. {@link OpDef#gradient} is the one entry point that calls it.
 */
@FunctionalInterface
public interface GradientRule {
    /** Input gradients, one per input, {@code null} where an input gets none. */
    List<Object> apply(Gradient<Object> g);

    /** Runs {@code rule} on a typed context (the values stay whatever the backend made them). */
    @SuppressWarnings("unchecked")
    static <T> List<T> run(GradientRule rule, Gradient<T> g) {
        return (List<T>) rule.apply((Gradient<Object>) (Gradient<?>) g);
    }
}
