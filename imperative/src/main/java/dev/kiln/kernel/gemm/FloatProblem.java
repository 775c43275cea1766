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
 */
record FloatProblem(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int rowStride, int colStride, Gemm.PanelSource source) {

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
        if (source != null) {
            throw new IllegalStateException("a product whose B is packed from a source is never transposed");
        }
        return new FloatProblem(!transB, !transA, n, m, k, alpha, b, bOff, ldb, a, aOff, lda,
                beta, c, cOff, colStride, rowStride, null);
    }

    /** The sub-problem computing rows {@code [i0, i1)} and columns {@code [j0, j1)} of C. */
    FloatProblem block(int i0, int i1, int j0, int j1) {
        int aStart = aOff + (transA ? i0 : i0 * lda);
        int bStart = bOff + (transB && source == null ? j0 * ldb : j0);
        return new FloatProblem(transA, transB, i1 - i0, j1 - j0, k, alpha, a, aStart, lda, b, bStart, ldb,
                beta, c, cOff + i0 * rowStride + j0 * colStride, rowStride, colStride, source);
    }
}
