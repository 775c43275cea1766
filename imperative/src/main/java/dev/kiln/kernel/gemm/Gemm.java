package dev.kiln.kernel.gemm;

/**
 * General matrix multiply on row-major arrays, the kernel under dot, FullyConnected and convolution:
 * {@code C = alpha * op(A) * op(B) + beta * C} where {@code op(X)} is X or its transpose.
 * Leading dimensions are the row strides of the arrays as stored.
 */
public final class Gemm {
    private Gemm() {
    }

    /** Single precision. {@code op(A)} is m x k, {@code op(B)} is k x n, C is m x n. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, cRow, cRow + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[cRow + j] *= beta;
                }
            }
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (!transB) {
                    int bRow = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += av * b[bRow + j];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += av * b[bOff + j * ldb + p];
                    }
                }
            }
        }
    }

    /** Double precision, same contract as {@link #sgemm}. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[cRow + j] = beta == 0 ? 0 : c[cRow + j] * beta;
            }
            for (int p = 0; p < k; p++) {
                double av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += av * (transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                }
            }
        }
    }
}
