package dev.kiln.kernel.gemm;

/**
 * One single-precision GEMM, {@code C = alpha * op(A) * op(B) + beta * C}, with C addressed through a row and a
 * column stride so that the transposed problem {@code C^T = op(B)^T op(A)^T} can be described without copying.
 *
 * @param transA    op(A) is A^T; A is stored row-major with leading dimension {@code lda}
 * @param transB    op(B) is B^T
 * @param m         rows of op(A) and C
 * @param n         columns of op(B) and C
 * @param k         columns of op(A), rows of op(B)
 * @param rowStride distance in {@code c} between C(i, j) and C(i + 1, j)
 * @param colStride distance in {@code c} between C(i, j) and C(i, j + 1)
 * @param source    when not null, op(B) is not stored: the source packs it straight into panels, {@code b} is
 *                  unused and {@code bOff} is the first column of op(B) this problem covers (never transposed)
 * @param bias      when not null, one value per column of C, {@code bias[biasOff + j]} for column j, standing in for
 *                  C in the first depth block's update (beta 1 over a C that held the bias rows; C is not read);
 *                  never transposed
 * @param biasOff   where column 0's bias is
 */
record FloatProblem(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int rowStride, int colStride, Gemm.PanelSource source,
                    float[] bias, int biasOff) {

    /** A problem without a bias. */
    FloatProblem(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int rowStride, int colStride,
                 Gemm.PanelSource source) {
        this(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, rowStride, colStride, source,
                null, 0);
    }

    /**
     * This problem with its bias written into C's rows and beta 1, the form every kernel computes (the scalar path
     * takes a bias this way; the vector kernel adds it as it stores the first depth block, with the same result).
     */
    FloatProblem withBiasInC() {
        if (bias == null) {
            return this;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * rowStride + j * colStride] = bias[biasOff + j];
            }
        }
        return new FloatProblem(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, 1f, c, cOff, rowStride,
                colStride, source);
    }

    /** Element (i, p) of op(A). */
    float opA(int i, int p) {
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    /** Element (p, j) of op(B). */
    float opB(int p, int j) {
        if (source != null) {
            float[] one = new float[1];
            source.pack(p, 1, bOff + j, 1, 1, one, 0);
            return one[0];
        }
        return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    /** The same product computed as {@code C^T = op(B)^T op(A)^T}: rows and columns swap roles. */
    FloatProblem transposed() {
        if (source != null || bias != null) {
            throw new IllegalStateException("a product whose B is packed from a source, or with a bias, is never "
                    + "transposed");
        }
        return new FloatProblem(!transB, !transA, n, m, k, alpha, b, bOff, ldb, a, aOff, lda,
                beta, c, cOff, colStride, rowStride, null);
    }

    /** The sub-problem computing rows {@code [i0, i1)} and columns {@code [j0, j1)} of C. */
    FloatProblem block(int i0, int i1, int j0, int j1) {
        int aStart = aOff + (transA ? i0 : i0 * lda);
        int bStart = bOff + (transB && source == null ? j0 * ldb : j0);
        return new FloatProblem(transA, transB, i1 - i0, j1 - j0, k, alpha, a, aStart, lda, b, bStart, ldb,
                beta, c, cOff + i0 * rowStride + j0 * colStride, rowStride, colStride, source, bias, biasOff + j0);
    }
}
