package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.F;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What the branching containers share: calling each branch and checking it gave one output, and joining the
 * branches' outputs with errors that say which branch gave which shape.
 */
final class Branches {
    private Branches() {
    }

    /**
     * Calls each child of {@code container} on its inputs ({@code inputs.get(i)} for child {@code i}) through
     * {@code call}; each must return exactly one output.
     */
    static <T> List<T> call(Block container, List<List<T>> inputs, BiFunction<Block, List<T>, List<T>> call) {
        List<T> out = new ArrayList<>();
        int i = 0;
        for (var e : container.children().entrySet()) {
            List<T> y = call.apply(e.getValue(), inputs.get(i++));
            if (y.size() != 1) {
                throw new KilnException("branch '" + e.getKey() + "' (" + e.getValue().name() + ") returned "
                        + y.size() + " outputs; each branch must return one");
            }
            out.add(y.get(0));
        }
        return out;
    }

    /** {@code inputs} for every one of {@code n} branches. */
    static <T> List<List<T>> same(List<T> inputs, int n) {
        List<List<T>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(inputs);
        }
        return out;
    }

    /**
     * Joins {@code values} with {@code connection}; when the join fails on arrays (eagerly), the error lists each
     * value's label and shape, so a mismatch points at the branch that caused it.
     */
    static <T> T join(Connection connection, F<T> F, List<T> values, List<String> labels) {
        if (values.isEmpty()) {
            throw new KilnException("there is nothing to join: the container has no branches");
        }
        try {
            return connection.join(F, values);
        } catch (KilnException e) {
            if (!(values.get(0) instanceof NDArray)) {
                throw e;
            }
            List<String> shapes = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                shapes.add(labels.get(i) + " " + ((NDArray) values.get(i)).shape());
            }
            throw new KilnException("cannot join " + shapes + " with " + connection + ": " + e.getMessage(), e);
        }
    }

    /** Labels for the children's outputs: {@code branch 0 (dense0)}. */
    static List<String> labels(Block container) {
        List<String> out = new ArrayList<>();
        container.children().forEach((k, b) -> out.add("branch " + k + " (" + b.name() + ")"));
        return out;
    }
}
