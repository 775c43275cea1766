package dev.kiln.rnn;

import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Zero begin states made from the data with ops, so that one {@code hybridForward} serves both backends: while
 * tracing, the batch size is not a number yet, and the zeros take it (and the data's dtype) from the data in the
 * graph. The data is summed over every axis but the batch axis, zeroed, shaped to the state's rank and broadcast to
 * the state's other dims.
 */
final class ZeroStates {
    private ZeroStates() {
    }

    /**
     * Zeros of shape {@code dims} (whose entry at {@code stateBatchAxis} is ignored) with the batch size of
     * {@code data} along {@code dataBatchAxis}.
     */
    static <T> T like(F<T> F, T data, int dataBatchAxis, int[] dims, int stateBatchAxis) {
        T batch = F.zerosLike(F.sum(data, Map.of("axis", IntTuple.of(dataBatchAxis), "exclude", true)));
        int[] shape = new int[dims.length];
        int[] axes = new int[dims.length - 1];
        int[] sizes = new int[dims.length - 1];
        for (int i = 0, k = 0; i < dims.length; i++) {
            shape[i] = i == stateBatchAxis ? -1 : 1;
            if (i != stateBatchAxis) {
                axes[k] = i;
                sizes[k++] = dims[i];
            }
        }
        T shaped = F.reshape(batch, Map.of("shape", IntTuple.of(shape)));
        return F.broadcastAxis(shaped, Map.of("axis", IntTuple.of(axes), "size", IntTuple.of(sizes)));
    }
}
