package dev.kiln.kernel.gemm;

import java.util.Arrays;

/**
 * Double-precision GEMM: op(B) packed block by block into contiguous rows, rows of C accumulated with counted loops
 * HotSpot vectorises, and rows split across threads. Simpler than the single-precision kernel; float64 is the
 * reference and checking dtype in deep learning, not the training workhorse.
 */
final class DoubleGemm {
    private static final int KC = 256;
    private static final int NC = 256;

    /** Per thread: KC packed rows of op(B), each its own array so the row loop vectorises, and an accumulator. */
    private static final ThreadLocal<double[][]> WORKSPACE = ThreadLocal.withInitial(() -> new double[KC + 1][NC]);

    private DoubleGemm() {
    }

    /** Rows {@code [i0, i1)} of {@code C = alpha op(A) op(B) + beta C} (k >= 1). */
    static void rows(boolean transA, boolean transB, int i0, int i1, int n, int k, double alpha,
                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     double beta, double[] c, int cOff, int ldc) {
        double[][] ws = WORKSPACE.get();
        double[] acc = ws[KC];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                pack(transB, b, bOff, ldb, pc, kc, jc, nc, ws);
                double betaEff = pc == 0 ? beta : 1;
                for (int i = i0; i < i1; i++) {
                    Arrays.fill(acc, 0, nc, 0);
                    for (int p = 0; p < kc; p++) {
                        int q = pc + p;
                        double av = alpha * (transA ? a[aOff + q * lda + i] : a[aOff + i * lda + q]);
                        accumulate(av, ws[p], acc, nc);
                    }
                    int row = cOff + i * ldc + jc;
                    for (int j = 0; j < nc; j++) {
                        c[row + j] = betaEff == 0 ? acc[j] : betaEff == 1 ? acc[j] + c[row + j]
                                : acc[j] + c[row + j] * betaEff;
                    }
                }
            }
        }
    }

    /** acc += av * row; a method of its own so that C2 compiles and vectorises it early. */
    private static void accumulate(double av, double[] row, double[] acc, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] += av * row[j];
        }
    }

    private static void pack(boolean transB, double[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
                             double[][] dst) {
        if (!transB) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, bOff + (p0 + p) * ldb + j0, dst[p], 0, nc);
            }
            return;
        }
        for (int j = 0; j < nc; j++) {
            int src = bOff + (j0 + j) * ldb + p0;
            for (int p = 0; p < kc; p++) {
                dst[p][j] = b[src + p];
            }
        }
    }
}
