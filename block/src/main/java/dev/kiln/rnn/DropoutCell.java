package dev.kiln.rnn;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.IntTuple;
import dev.kiln.op.PythonFormat;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * Dropout on the input of each step, in training (Gluon's {@code rnn.DropoutCell}); no states. Unrolled on a merged
 * sequence, it drops the whole tensor at once; {@code axes} share one draw along those axes.
 */
public class DropoutCell extends RecurrentCell {
    private final double rate;
    private final IntTuple axes;

    public DropoutCell(double rate) {
        this(rate, IntTuple.of());
    }

    public DropoutCell(double rate, IntTuple axes) {
        this(rate, axes, null);
    }

    /** With an explicit prefix ({@code null}: automatic, {@code dropout0_}). */
    public DropoutCell(double rate, IntTuple axes, String prefix) {
        super(prefix, null, "dropout");
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("DropoutCell: rate must be in [0, 1], got " + rate);
        }
        this.rate = rate;
        this.axes = axes;
    }

    @Override
    public List<StateInfo> stateInfo(int batchSize) {
        return List.of();
    }

    @Override
    protected <T> List<T> cellStep(F<T> F, T x, List<T> states, ParameterValues<T> p, String t) {
        return withStates(rate > 0 ? F.dropout(x, Map.of("p", rate, "axes", axes, "name", t + "fwd")) : x, states);
    }

    /** A merged sequence is dropped as one tensor; steps one by one. */
    @Override
    <T> Unrolled<T> unrollSequence(F<T> F, int length, Sequence<T> inputs, List<T> beginState, String layout,
                                   Boolean merge) {
        reset();
        int axis = timeAxis(layout, length);
        Sequence<T> seq = inputs.format(F, length, axis, merge);
        if (seq.isMerged()) {
            return new Unrolled<>(Sequence.merged(call(F, seq.tensor(), List.of()).get(0)),
                    beginState == null ? List.of() : beginState);
        }
        return super.unrollSequence(F, length, seq, beginState, layout, merge);
    }

    /** Gluon's repr: {@code DropoutCell(rate=0.5, axes=())}. */
    @Override
    public String toString() {
        return "DropoutCell(rate=" + PythonFormat.formatFloat(rate) + ", axes=" + axes + ")";
    }
}
