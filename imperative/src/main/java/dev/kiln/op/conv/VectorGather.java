package dev.kiln.op.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Taps of consecutive 3x3 kernels into vector lanes: lane {@code i} of tap row {@code k} is tap {@code k} of the
 * {@code i}-th kernel, gathered at stride 9 (for {@link WinogradFilters#transformFlipped}). Only loaded when the Vector
 * API is available.
 */
final class VectorGather {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Offsets of consecutive kernels' first taps. */
    private static final int[] KERNELS = kernelOffsets();

    private VectorGather() {
    }

    private static int[] kernelOffsets() {
        int[] offsets = new int[L];
        for (int i = 0; i < L; i++) {
            offsets[i] = 9 * i;
        }
        return offsets;
    }

    /**
     * {@code taps[k * L + i] = w[at + 9 * i + k]} for the {@code count} kernels from {@code w[at]} ({@code count} at
     * most a vector's lanes), zero in the lanes past them.
     */
    static void kernels(float[] w, int at, int count, float[] taps) {
        if (count == L) {
            for (int k = 0; k < 9; k++) {
                FloatVector.fromArray(S, w, at + k, KERNELS, 0).intoArray(taps, k * L);
            }
            return;
        }
        for (int k = 0; k < 9; k++) {
            for (int i = 0; i < L; i++) {
                taps[k * L + i] = i < count ? w[at + 9 * i + k] : 0f;
            }
        }
    }
}
