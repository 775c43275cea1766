package dev.kiln.op.conv;

/**
 * Per-thread float32 work arrays of the convolution kernels (column matrices, images gathered side by side), kept
 * between calls: a fresh array of a few megabytes per call costs its zeroing and garbage-collector churn, about as
 * much as a small convolution itself. Callers overwrite every element they read, so the arrays are never cleared.
 * A thread holds at most one array per {@link Slot}; a kernel must not use a slot across a call that may use it too.
 */
final class ConvScratch {
    /** The distinct arrays one kernel call may hold at once. */
    enum Slot { COLUMNS, PADDED, GATHERED, WEIGHTS, PACKED_WEIGHTS, TRANSPOSED_WEIGHTS, PARTIALS, TILE, IMAGE }

    /** Arrays larger than this many floats are allocated per call and not kept (64 MB per slot and thread at most). */
    private static final int KEEP_LIMIT = 1 << 24;

    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(
            () -> new float[Slot.values().length][]);

    private ConvScratch() {
    }

    /** This thread's array for {@code slot}, at least {@code size} floats long, with unspecified contents. */
    static float[] floats(Slot slot, int size) {
        if (size > KEEP_LIMIT) {
            return new float[size];
        }
        float[][] arrays = ARRAYS.get();
        float[] a = arrays[slot.ordinal()];
        if (a == null || a.length < size) {
            a = new float[size];
            arrays[slot.ordinal()] = a;
        }
        return a;
    }
}
