package dev.kiln.rnn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

/**
 * A block that unrolls a cell over a fixed number of steps from zero states and returns the merged outputs, so a
 * cell's unroll can go through {@code LayerCheck} (eager vs traced, gradients) and the MXNet conformance harness
 * like a layer.
 */
public final class UnrolledCell extends HybridBlock {
    private final RecurrentCell cell;
    private final int length;
    private final String layout;

    public UnrolledCell(RecurrentCell cell, int length, String layout) {
        super(null, null, "unrolled");
        this.cell = registerChild(cell, "cell");
        this.length = length;
        this.layout = layout;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return cell.unroll(F, length, x, null, layout, true).merged();
    }
}
