package dev.kiln.rnn;

import java.util.List;

/**
 * What {@code unroll} returns: the outputs, merged into one tensor with a time axis or kept one per step (as the
 * {@code mergeOutputs} argument asked, or as they came when it was {@code null}), and the states after the last step.
 *
 * @param <T> {@code NDArray} or {@code Symbol}
 */
public final class Unrolled<T> {
    private final Sequence<T> outputs;
    private final List<T> states;

    Unrolled(Sequence<T> outputs, List<T> states) {
        this.outputs = outputs;
        this.states = List.copyOf(states);
    }

    /** True if the outputs are one tensor. */
    public boolean isMerged() {
        return outputs.isMerged();
    }

    /** The outputs as one tensor, time along the layout's {@code T} axis; fails if they were kept per step. */
    public T merged() {
        if (!outputs.isMerged()) {
            throw new IllegalStateException("the outputs are per step; unroll with mergeOutputs=true for one tensor");
        }
        return outputs.tensor();
    }

    /** The output of every step; fails if the outputs were merged. */
    public List<T> steps() {
        if (outputs.isMerged()) {
            throw new IllegalStateException("the outputs are merged; unroll with mergeOutputs=false for steps");
        }
        return outputs.steps();
    }

    /** The states after the last step, in {@code stateInfo} order. */
    public List<T> states() {
        return states;
    }

    Sequence<T> sequence() {
        return outputs;
    }
}
