package dev.kiln.op.indexing;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The INDEXING family: selection by index ({@code take}, {@code pick}, {@code gather_nd}, {@code scatter_nd},
 * {@code Embedding}, {@code one_hot}), by condition or bound ({@code where}, {@code clip}) and by sequence length
 * ({@code SequenceMask}, {@code SequenceLast}, {@code SequenceReverse}), and the scatter-add gradients of the
 * gathering ops ({@code _backward_take}, ...).
 */
public final class IndexingOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(
                new TakeOp(),
                new PickOp(),
                new GatherNdOp(),
                new ScatterNdOp(),
                new OneHotOp(),
                new WhereOp(),
                new ClipOp(),
                new SequenceMaskOp(),
                new SequenceLastOp(),
                new SequenceReverseOp(),
                new EmbeddingOp(),
                new TakeBackwardOp(),
                new PickBackwardOp(),
                new GatherNdBackwardOp(),
                new EmbeddingBackwardOp(),
                new SequenceLastBackwardOp());
    }
}
