package dev.kiln.rnn;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two cells over one sequence, one forwards and one backwards in time, their outputs concatenated along the
 * features (Gluon's {@code rnn.BidirectionalCell}); the states are the forward cell's, then the backward one's. It
 * can only be unrolled, not stepped. Like Gluon's, it has an empty prefix of its own.
 */
public class BidirectionalCell extends RecurrentCell {
    private final RecurrentCell forward;
    private final RecurrentCell backward;
    private final String outputPrefix;

    public BidirectionalCell(RecurrentCell forward, RecurrentCell backward) {
        this(forward, backward, "bi_");
    }

    /** With {@code outputPrefix} starting the names of the concatenation nodes (default {@code bi_}). */
    public BidirectionalCell(RecurrentCell forward, RecurrentCell backward, String outputPrefix) {
        super("", null, "bidirectionalcell");
        this.forward = registerChild(forward, "l_cell");
        this.backward = registerChild(backward, "r_cell");
        this.outputPrefix = outputPrefix;
    }

    @Override
    public List<StateInfo> stateInfo(int batchSize) {
        List<StateInfo> out = new ArrayList<>(forward.stateInfo(batchSize));
        out.addAll(backward.stateInfo(batchSize));
        return out;
    }

    @Override
    protected <T> List<T> cellStep(F<T> F, T x, List<T> states, ParameterValues<T> p, String t) {
        throw new UnsupportedOperationException("BidirectionalCell cannot be stepped; use unroll");
    }

    @Override
    <T> Unrolled<T> unrollSequence(F<T> F, int length, Sequence<T> inputs, List<T> beginState, String layout,
                                   Boolean merge) {
        reset();
        int axis = timeAxis(layout, length);
        List<T> steps = inputs.steps(F, length, axis);
        List<T> begin = orZeros(F, beginState, steps.get(0));
        int nl = forward.stateInfo(0).size();
        Unrolled<T> l = forward.unrollSequence(F, length, Sequence.ofSteps(steps), begin.subList(0, nl), layout,
                merge);
        Unrolled<T> r = backward.unrollSequence(F, length, Sequence.ofSteps(Sequence.reversed(steps)),
                begin.subList(nl, begin.size()), layout, false);
        List<T> rOut = Sequence.reversed(r.steps());
        boolean merged = merge == null ? l.isMerged() : merge;
        List<T> states = new ArrayList<>(l.states());
        states.addAll(r.states());
        if (merged) {
            T out = F.concat(List.of(l.sequence().merged(F, axis), F.stack(rOut, Map.of("axis", axis))),
                    Map.of("dim", 2, "name", outputPrefix + "out"));
            return new Unrolled<>(Sequence.merged(out), states);
        }
        List<T> lOut = l.sequence().steps(F, length, axis);
        List<T> out = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            out.add(F.concat(List.of(lOut.get(i), rOut.get(i)), Map.of("dim", 1, "name", outputPrefix + "t" + i)));
        }
        return new Unrolled<>(Sequence.ofSteps(out), states);
    }

    /** Gluon's repr: {@code BidirectionalCell(forward=..., backward=...)}. */
    @Override
    public String toString() {
        return "BidirectionalCell(forward=" + forward + ", backward=" + backward + ")";
    }
}
