package dev.kiln.rnn;

import dev.kiln.op.surface.F;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sequence as {@code unroll} takes and gives it: one tensor with a time axis, or one tensor per step. Converts
 * between the two on any backend (split along the time axis, or stack), as Gluon's {@code _format_sequence} does.
 *
 * @param tensor the merged sequence, or {@code null}
 * @param steps  the per-step values, or {@code null}
 * @param <T>    {@code NDArray} or {@code Symbol}
 */
record Sequence<T>(T tensor, List<T> steps) {

    static <T> Sequence<T> merged(T tensor) {
        return new Sequence<>(tensor, null);
    }

    static <T> Sequence<T> ofSteps(List<T> steps) {
        return new Sequence<>(null, List.copyOf(steps));
    }

    boolean isMerged() {
        return tensor != null;
    }

    /** The per-step values, splitting a merged tensor into {@code length} along {@code axis}. */
    List<T> steps(F<T> F, int length, int axis) {
        if (!isMerged()) {
            if (steps.size() != length) {
                throw new IllegalArgumentException("unroll: length " + length + " but " + steps.size()
                        + " step inputs were given");
            }
            return steps;
        }
        return F.split(tensor, length, Map.of("axis", axis, "squeeze_axis", true));
    }

    /** The merged tensor, stacking the steps along {@code axis}. */
    T merged(F<T> F, int axis) {
        return isMerged() ? tensor : F.stack(steps, Map.of("axis", axis));
    }

    /** Merged when {@code merge} is true, per step when false, as it is when {@code null}. */
    Sequence<T> format(F<T> F, int length, int axis, Boolean merge) {
        if (merge == null) {
            return this;
        }
        return merge ? merged(merged(F, axis)) : ofSteps(steps(F, length, axis));
    }

    /** The steps in reverse order. */
    static <T> List<T> reversed(List<T> steps) {
        List<T> out = new ArrayList<>(steps);
        java.util.Collections.reverse(out);
        return out;
    }
}
