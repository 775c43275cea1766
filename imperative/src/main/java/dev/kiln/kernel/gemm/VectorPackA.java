package dev.kiln.kernel.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs a full row panel of a transposed op(A) a depth step at a time with one vector load and one masked store: the
 * panel's {@code mr} rows are consecutive elements of a stored row, and an element-by-element copy of six floats per
 * depth step cost a quarter of a transposed-weight product's time (a UNet's 2x2 upsampling layers). Values are scaled
 * by alpha as {@link FloatPacking#packA} scales them, so panels are bitwise the same. Only loaded when the Vector API
 * is available.
 */
final class VectorPackA {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorPackA() {
    }

    /** Whether panels of {@code mr} rows fit one vector. */
    static boolean fits(int mr) {
        return mr <= L;
    }

    /**
     * {@code dst[base + p * mr + r] = alpha * a[src + p * lda + r]} for {@code p} in {@code [0, kc)} and {@code r} in
     * {@code [0, mr)}, {@code mr} at most a vector's lanes.
     */
    static void panel(float[] a, int src, int lda, int kc, float alpha, int mr, float[] dst, int base) {
        VectorMask<Float> rows = S.indexInRange(0, mr);
        int p = 0;
        for (; p < kc && src + p * lda + L <= a.length; p++) {
            FloatVector.fromArray(S, a, src + p * lda).mul(alpha).intoArray(dst, base + p * mr, rows);
        }
        for (; p < kc; p++) {
            for (int r = 0; r < mr; r++) {
                dst[base + p * mr + r] = alpha * a[src + p * lda + r];
            }
        }
    }
}
