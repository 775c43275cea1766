package dev.kiln.rnn;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adds each step's input to the base cell's output (Gluon's {@code rnn.ResidualCell}, Wu et al. 2016); the states
 * are the base cell's. Its prefix is the base cell's followed by {@code residualcell}, as Gluon's modifier cells.
 */
public class ResidualCell extends RecurrentCell {
    private final RecurrentCell base;

    public ResidualCell(RecurrentCell base) {
        super(base.prefix() + "residualcell", null, "residualcell");
        this.base = registerChild(base, "base_cell");
    }

    public RecurrentCell baseCell() {
        return base;
    }

    @Override
    public List<StateInfo> stateInfo(int batchSize) {
        return base.stateInfo(batchSize);
    }

    @Override
    protected <T> List<T> cellStep(F<T> F, T x, List<T> states, ParameterValues<T> p, String t) {
        List<T> r = new ArrayList<>(base.call(F, x, states));
        r.set(0, F.elemwiseAdd(r.get(0), x, Map.of("name", t + "fwd")));
        return r;
    }

    /** The base cell unrolls over the sequence, then the inputs are added to its outputs (merged or per step). */
    @Override
    <T> Unrolled<T> unrollSequence(F<T> F, int length, Sequence<T> inputs, List<T> beginState, String layout,
                                   Boolean merge) {
        reset();
        int axis = timeAxis(layout, length);
        Unrolled<T> u = base.unrollSequence(F, length, inputs, beginState, layout, merge);
        boolean merged = merge == null ? u.isMerged() : merge;
        Sequence<T> in = inputs.format(F, length, axis, merged);
        if (merged) {
            return new Unrolled<>(Sequence.merged(F.elemwiseAdd(u.merged(), in.tensor())), u.states());
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            out.add(F.elemwiseAdd(u.steps().get(i), in.steps().get(i)));
        }
        return new Unrolled<>(Sequence.ofSteps(out), u.states());
    }

    /** Gluon's repr: {@code ResidualCell(GRUCell(None -> 30))}. */
    @Override
    public String toString() {
        return "ResidualCell(" + base + ")";
    }
}
