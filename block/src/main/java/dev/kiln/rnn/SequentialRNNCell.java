package dev.kiln.rnn;

import dev.kiln.block.Block;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.ArrayList;
import java.util.List;

/**
 * Cells stacked in order (Gluon's {@code HybridSequentialRNNCell}): each step feeds one cell's output to the next;
 * the states are every cell's states in order. Unrolled, each cell unrolls over the whole sequence in turn, so a
 * {@link BidirectionalCell} may sit in the stack (it cannot be stepped alone).
 */
public class SequentialRNNCell extends RecurrentCell {

    public SequentialRNNCell() {
        this(null, null);
    }

    /** A stack with an explicit prefix ({@code null}: automatic) and, to share them, another block's parameters. */
    public SequentialRNNCell(String prefix, ParameterDict params) {
        super(prefix, params, "sequentialrnncell");
    }

    /** Appends {@code cell} to the stack; returns this stack. */
    public SequentialRNNCell add(RecurrentCell cell) {
        registerChild(cell);
        return this;
    }

    /** The cell at position {@code i}. */
    public RecurrentCell get(int i) {
        return cells().get(i);
    }

    public int size() {
        return children().size();
    }

    private List<RecurrentCell> cells() {
        List<RecurrentCell> out = new ArrayList<>();
        for (Block b : children().values()) {
            out.add((RecurrentCell) b);
        }
        return out;
    }

    @Override
    public List<StateInfo> stateInfo(int batchSize) {
        List<StateInfo> out = new ArrayList<>();
        for (RecurrentCell c : cells()) {
            out.addAll(c.stateInfo(batchSize));
        }
        return out;
    }

    @Override
    protected <T> List<T> cellStep(F<T> F, T x, List<T> states, ParameterValues<T> p, String t) {
        List<T> next = new ArrayList<>();
        T in = x;
        int at = 0;
        for (RecurrentCell c : cells()) {
            if (c instanceof BidirectionalCell) {
                throw new UnsupportedOperationException("SequentialRNNCell '" + name() + "' holds a "
                        + "BidirectionalCell, which cannot be stepped; use unroll");
            }
            int n = c.stateInfo(0).size();
            List<T> r = c.call(F, in, states.subList(at, at + n));
            at += n;
            in = r.get(0);
            next.addAll(r.subList(1, r.size()));
        }
        return withStates(in, next);
    }

    /** Each cell unrolls over the whole sequence in turn; only the last one's outputs are formatted as asked. */
    @Override
    <T> Unrolled<T> unrollSequence(F<T> F, int length, Sequence<T> inputs, List<T> beginState, String layout,
                                   Boolean merge) {
        reset();
        int axis = timeAxis(layout, length);
        List<RecurrentCell> cells = cells();
        List<T> begin = beginState != null ? beginState
                : beginState(F, inputs.steps(F, length, axis).get(0));
        Sequence<T> seq = inputs;
        List<T> states = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < cells.size(); i++) {
            RecurrentCell c = cells.get(i);
            int n = c.stateInfo(0).size();
            Unrolled<T> u = c.unrollSequence(F, length, seq, begin.subList(at, at + n), layout,
                    i < cells.size() - 1 ? null : merge);
            at += n;
            seq = u.sequence();
            states.addAll(u.states());
        }
        return new Unrolled<>(seq, states);
    }

    /** Gluon's repr: the class name, then one {@code (i): cell} line per cell. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        children().forEach((k, c) -> lines.add("(" + k + "): " + c.toString().replace("\n", "\n  ")));
        return "SequentialRNNCell(\n" + String.join("\n", lines) + "\n)";
    }
}
