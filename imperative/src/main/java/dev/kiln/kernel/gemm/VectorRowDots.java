package dev.kiln.kernel.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 products {@code C += A * B^T} of row-major A (m x k) and B (n x k) whose rows are long and whose result is
 * small or narrow: each element of C is the dot product of a row of A and a row of B, computed in vector lanes (a
 * fused multiply-add per lane and step), the lanes summed in order, then the rows' last {@code k % lanes} products
 * added one by one ({@link ScalarRowDots} computes the same sums without vectors). No operand is packed or
 * transposed, which a general GEMM of a few rows and columns spends most of its time on. Rows are taken four of A by
 * three of B at a time, so each vector of A feeds three multiply-adds and each of B four; every element is the same
 * sum however the rows are grouped. Used by {@link Gemm} for narrow products of long rows and by convolutions'
 * shallow weight gradients. Only loaded when the Vector API is available
 * ({@link dev.kiln.kernel.simd.VectorSupport#isAvailable()}).
 */
public final class VectorRowDots {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorRowDots() {
    }

    /**
     * {@code c[cOff + i * ldc + j] += sum over p < k of a[aOff + i * lda + p] * b[bOff + j * ldb + p]} for
     * {@code i < m}, {@code j < n}.
     */
    public static void accumulate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        float[] lanes = LANES.get(); // looked up once per call: per dot product it cost a tenth of the kernel
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 3 <= n; j += 3) {
                block(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc, lanes);
            }
            for (; j < n; j++) {
                for (int r = 0; r < 4; r++) {
                    c[cOff + (i + r) * ldc + j] += dot(k, a, aOff + (i + r) * lda, b, bOff + j * ldb, lanes);
                }
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] += dot(k, a, aOff + i * lda, b, bOff + j * ldb, lanes);
            }
        }
    }

    /** One row of A times one row of B, summed as every element of {@link #accumulate} is. */
    private static float dot(int k, float[] a, int ai, float[] b, int bi, float[] lanes) {
        int bound = S.loopBound(k);
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < bound; p += L) {
            acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), acc);
        }
        // The lanes added from the first to the last, in the thread's scratch (its first vector's room). Not
        // reduceLanes(ADD), whose float order is the implementation's: the Vector API's Java fallback and HotSpot's
        // intrinsic add in different orders, so a result would change with the JIT's progress (an interrupted and a
        // resumed training run stopped agreeing bit for bit). Written out here: a vector passed to a call C2 does not
        // inline is boxed, and lane(i) of a variable i would box it too.
        acc.intoArray(lanes, 0);
        float s = 0f;
        for (int l = 0; l < L; l++) {
            s += lanes[l];
        }
        return tail(s, k, bound, a, ai, b, bi);
    }

    /** Per thread, room for the lanes of a block's twelve vectors ({@link #block}, {@link #dot}). */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[12 * L]);

    private static float tail(float sum, int k, int from, float[] a, int ai, float[] b, int bi) {
        for (int p = from; p < k; p++) {
            sum += a[ai + p] * b[bi + p];
        }
        return sum;
    }

    /** Rows {@code a0..a0 + 3 lda} of A by rows {@code b0..b0 + 2 ldb} of B into the 4 x 3 block of C at {@code c0}. */
    private static void block(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                              int ldc, float[] lanes) {
        int bound = S.loopBound(k);
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int b1 = b0 + ldb, b2 = b1 + ldb;
        for (int p = 0; p < bound; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector x1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y = FloatVector.fromArray(S, a, a0 + p);
            c00 = y.fma(x0, c00);
            c01 = y.fma(x1, c01);
            c02 = y.fma(x2, c02);
            y = FloatVector.fromArray(S, a, a1 + p);
            c10 = y.fma(x0, c10);
            c11 = y.fma(x1, c11);
            c12 = y.fma(x2, c12);
            y = FloatVector.fromArray(S, a, a2 + p);
            c20 = y.fma(x0, c20);
            c21 = y.fma(x1, c21);
            c22 = y.fma(x2, c22);
            y = FloatVector.fromArray(S, a, a3 + p);
            c30 = y.fma(x0, c30);
            c31 = y.fma(x1, c31);
            c32 = y.fma(x2, c32);
        }
        // the sums leave the vectors through stores, not calls: a vector passed to a call is boxed, and a method
        // this size that also inlined the lane sums sometimes ran out of C2's inlining budget before the multiply-adds
        // were made intrinsics, leaving them on the Java fallback (the kernel ran several times slower in such runs)
        c00.intoArray(lanes, 0);
        c10.intoArray(lanes, L);
        c20.intoArray(lanes, 2 * L);
        c30.intoArray(lanes, 3 * L);
        c01.intoArray(lanes, 4 * L);
        c11.intoArray(lanes, 5 * L);
        c21.intoArray(lanes, 6 * L);
        c31.intoArray(lanes, 7 * L);
        c02.intoArray(lanes, 8 * L);
        c12.intoArray(lanes, 9 * L);
        c22.intoArray(lanes, 10 * L);
        c32.intoArray(lanes, 11 * L);
        for (int col = 0; col < 3; col++) {
            for (int r = 0; r < 4; r++) {
                int at = (col * 4 + r) * L;
                float sum = 0f;
                for (int l = 0; l < L; l++) {
                    sum += lanes[at + l];
                }
                c[c0 + r * ldc + col] += tail(sum, k, bound, a, a0 + r * lda, b, b0 + col * ldb);
            }
        }
    }
}
