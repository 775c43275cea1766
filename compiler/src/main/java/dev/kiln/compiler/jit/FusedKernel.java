package dev.kiln.compiler.jit;

/**
 * The loop of a fused elementwise group over output elements {@code [from, to)}: reads each input at the element (or
 * where the element's row maps it, for a group that broadcasts) and writes each output array there. Arrays are
 * {@code float[]} or {@code double[]} as the group's dtype says. Elements are independent, so any split of the range
 * across threads gives the same results.
 */
@FunctionalInterface
public interface FusedKernel {
    /**
     * @param offsets per input, its row offsets ({@link BroadcastLayout#offsets()}); null when nothing broadcasts
     * @param inner   elements per row ({@link BroadcastLayout#inner()}); unused when nothing broadcasts
     */
    void run(Object[] inputs, Object[] outputs, int[][] offsets, int inner, int from, int to);

    /** The loop of a group that does not broadcast. */
    default void run(Object[] inputs, Object[] outputs, int from, int to) {
        run(inputs, outputs, null, 1, from, to);
    }
}
