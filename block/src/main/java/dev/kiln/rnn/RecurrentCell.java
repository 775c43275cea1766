package dev.kiln.rnn;

import dev.kiln.block.Block;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.ArrayList;
import java.util.List;

/**
 * A recurrent cell (Gluon's {@code HybridRecurrentCell}): one time step, {@code (x, states) -> (output, states)},
 * written once for both backends. As a block it takes {@code [x, state...]} and returns {@code [output,
 * state...]}; {@link #unroll} runs it over a sequence on either backend, eager or traced. Symbolic nodes of step
 * {@code i} are named {@code t<i>_...} after the cell's prefix, counting from the last {@link #reset}.
 */
public abstract class RecurrentCell extends HybridBlock {
    private int counter = -1;

    protected RecurrentCell(String prefix, ParameterDict params, String hint) {
        super(prefix, params, hint);
    }

    /** The states this cell carries between steps, for {@code batchSize} sequences (0 when not known). */
    public abstract List<StateInfo> stateInfo(int batchSize);

    /** Restarts the step counter that names symbolic nodes (and those of child cells). */
    public void reset() {
        counter = -1;
        for (Block c : children().values()) {
            if (c instanceof RecurrentCell cell) {
                cell.reset();
            }
        }
    }

    /** Zero begin states for {@code batchSize} sequences, on the CPU. */
    public List<NDArray> beginState(int batchSize) {
        return beginState(batchSize, Device.cpu());
    }

    public List<NDArray> beginState(int batchSize, Device device) {
        return StateInfo.zeros(stateInfo(batchSize), device);
    }

    /**
     * Zero begin states on any backend, with the batch size and dtype of {@code like}, a step input (batch first):
     * what {@link #unroll} starts from when given no begin state.
     */
    public <T> List<T> beginState(F<T> F, T like) {
        List<T> out = new ArrayList<>();
        for (StateInfo s : stateInfo(0)) {
            out.add(ZeroStates.like(F, like, 0, s.shape().dims(), s.layout().indexOf('N')));
        }
        return out;
    }

    /** One step on NDArrays: {@code [output, state...]}. */
    public List<NDArray> call(NDArray x, List<NDArray> states) {
        return callAll(withStates(x, states));
    }

    /** One step on either backend, from inside another block's {@code hybridForward}: {@code [output, state...]}. */
    public <T> List<T> call(F<T> F, T x, List<T> states) {
        return callAll(F, withStates(x, states));
    }

    /** {@code [x, state...]}: a step's inputs, or a step's outputs. */
    static <T> List<T> withStates(T x, List<T> states) {
        List<T> in = new ArrayList<>();
        in.add(x);
        in.addAll(states);
        return in;
    }

    @Override
    protected final <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        counter++;
        int n = stateInfo(0).size();
        if (inputs.size() != 1 + n) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " '" + name() + "' takes an input and "
                    + n + " state(s), got " + inputs.size() + " value(s)");
        }
        return cellStep(F, inputs.get(0), inputs.subList(1, inputs.size()), p, "t" + counter + "_");
    }

    /** One step: {@code [output, state...]}; {@code t} ({@code t3_}) starts the names of the nodes it makes. */
    protected abstract <T> List<T> cellStep(F<T> F, T x, List<T> states, ParameterValues<T> p, String t);

    /**
     * Runs the cell over {@code length} steps of {@code inputs}, one tensor with time along {@code layout}'s
     * {@code T} axis ({@code "TNC"} or {@code "NTC"}), from {@code beginState} ({@code null}: zeros). The outputs are
     * merged into one such tensor when {@code mergeOutputs} is true, kept per step when false, and left as they come
     * when {@code null}.
     */
    public <T> Unrolled<T> unroll(F<T> F, int length, T inputs, List<T> beginState, String layout,
                                  Boolean mergeOutputs) {
        return unrollSequence(F, length, Sequence.merged(inputs), beginState, layout, mergeOutputs);
    }

    /** As {@link #unroll(F, int, Object, List, String, Boolean)} on one input per step (each batch first). */
    public <T> Unrolled<T> unroll(F<T> F, int length, List<T> inputs, List<T> beginState, String layout,
                                  Boolean mergeOutputs) {
        return unrollSequence(F, length, Sequence.ofSteps(inputs), beginState, layout, mergeOutputs);
    }

    /** Eager {@link #unroll(F, int, Object, List, String, Boolean)}. */
    public Unrolled<NDArray> unroll(int length, NDArray inputs, List<NDArray> beginState, String layout,
                                    Boolean mergeOutputs) {
        return unroll(dev.kiln.op.surface.ND.nd, length, inputs, beginState, layout, mergeOutputs);
    }

    /** The unroll of a cell that steps: each step's output feeds the next step's states. */
    <T> Unrolled<T> unrollSequence(F<T> F, int length, Sequence<T> inputs, List<T> beginState, String layout,
                                   Boolean merge) {
        reset();
        int axis = timeAxis(layout, length);
        List<T> steps = inputs.steps(F, length, axis);
        List<T> states = orZeros(F, beginState, steps.get(0));
        List<T> outputs = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            List<T> r = call(F, steps.get(i), states);
            outputs.add(r.get(0));
            states = r.subList(1, r.size());
        }
        return new Unrolled<>(Sequence.ofSteps(outputs).format(F, length, axis, merge), states);
    }

    /** {@code beginState}, or zero states shaped after the step input {@code like} when it is {@code null}. */
    <T> List<T> orZeros(F<T> F, List<T> beginState, T like) {
        return beginState != null ? beginState : beginState(F, like);
    }

    /** The time axis of {@code layout}, checking the layout and the length. */
    static int timeAxis(String layout, int length) {
        if (!"TNC".equals(layout) && !"NTC".equals(layout)) {
            throw new IllegalArgumentException("unroll: layout must be 'TNC' or 'NTC', got '" + layout + "'");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("unroll: length must be positive, got " + length);
        }
        return layout.indexOf('T');
    }
}
