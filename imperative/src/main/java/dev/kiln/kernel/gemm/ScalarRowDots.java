package dev.kiln.kernel.gemm;

import dev.kiln.kernel.simd.VectorSupport;

import java.util.Arrays;

/**
 * {@link VectorRowDots} without vectors, for {@link Gemm}'s scalar path: each dot product is summed in as many
 * interleaved fused multiply-add chains as a vector has lanes (chain {@code l} takes the steps {@code p} with
 * {@code p % lanes == l} up to the last whole vector), the chains added in order, then the last {@code k % lanes}
 * products added one by one. Bitwise the vector kernel's sums, so a product gives the same C whether or not HotSpot
 * has compiled that kernel yet.
 */
final class ScalarRowDots {
    private ScalarRowDots() {
    }

    /**
     * {@code c[cOff + i * ldc + j] += sum over p < k of a[aOff + i * lda + p] * b[bOff + j * ldb + p]} for
     * {@code i < m}, {@code j < n}, summed as {@link VectorRowDots#accumulate} sums it.
     */
    static void accumulate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        int lanes = VectorSupport.floatLanes();
        float[] chains = new float[lanes];
        int bound = k - k % lanes;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < n; j++) {
                int bi = bOff + j * ldb;
                Arrays.fill(chains, 0f);
                for (int p = 0; p < bound; p += lanes) {
                    for (int l = 0; l < lanes; l++) {
                        chains[l] = Math.fma(a[ai + p + l], b[bi + p + l], chains[l]);
                    }
                }
                float sum = 0f;
                for (int l = 0; l < lanes; l++) {
                    sum += chains[l];
                }
                for (int p = bound; p < k; p++) {
                    sum += a[ai + p] * b[bi + p];
                }
                c[cOff + i * ldc + j] += sum;
            }
        }
    }
}
