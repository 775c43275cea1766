package dev.kiln.kernel.gemm;

import java.util.Arrays;

/**
 * Copies blocks of op(A) and op(B) into the panel layouts the micro-kernels stream through: A as row panels of
 * {@code mr} rows stored column by column, B as column panels of {@code nr} columns stored row by row. Panels are
 * zero-padded to full width so kernels never read past a panel or mask their loads; alpha is folded into A here.
 */
final class FloatPacking {
    private FloatPacking() {
    }

    /**
     * Packs rows {@code [i0, i0 + mc)} and depth {@code [p0, p0 + kc)} of alpha * op(A) into {@code dst}: panel
     * {@code r} (rows {@code r*mr ..}) starts at {@code r * mr * kc}, and holds {@code dst[p * mr + row]}.
     */
    static void packA(FloatProblem g, int i0, int mc, int p0, int kc, int mr, float[] dst) {
        float alpha = g.alpha();
        float[] a = g.a();
        int lda = g.lda();
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int base = ir * kc;
            if (rows < mr) {
                Arrays.fill(dst, base, base + mr * kc, 0f);
            }
            if (g.transA()) {
                // op(A)(i, p) = a[p * lda + i]: each depth step reads `rows` consecutive elements
                for (int p = 0; p < kc; p++) {
                    int src = g.aOff() + (p0 + p) * lda + i0 + ir;
                    int d = base + p * mr;
                    for (int r = 0; r < rows; r++) {
                        dst[d + r] = alpha * a[src + r];
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = g.aOff() + (i0 + ir + r) * lda + p0;
                    int d = base + r;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * mr] = alpha * a[src + p];
                    }
                }
            }
        }
    }

    /**
     * Packs depth {@code [p0, p0 + kc)} and columns {@code [j0, j0 + nc)} of op(B) into {@code dst}: panel
     * {@code q} (columns {@code q*nr ..}) starts at {@code dstOff + q * nr * kc}, and holds {@code dst[p * nr + col]}.
     */
    static void packB(FloatProblem g, int p0, int kc, int j0, int nc, int nr, float[] dst, int dstOff) {
        if (g.source() != null) {
            g.source().pack(p0, kc, g.bOff() + j0, nc, nr, dst, dstOff);
            return;
        }
        float[] b = g.b();
        int ldb = g.ldb();
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int base = dstOff + jr * kc;
            if (cols < nr) {
                Arrays.fill(dst, base, base + nr * kc, 0f);
            }
            if (g.transB()) {
                // op(B)(p, j) = b[j * ldb + p]: write the panel in order, reading the same depth from `cols` stored
                // rows; each row's cache line then serves the next depth steps from L1
                int src = g.bOff() + (j0 + jr) * ldb + p0;
                for (int p = 0; p < kc; p++) {
                    int d = base + p * nr;
                    for (int col = 0; col < cols; col++) {
                        dst[d + col] = b[src + col * ldb + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, g.bOff() + (p0 + p) * ldb + j0 + jr, dst, base + p * nr, cols);
                }
            }
        }
    }
}
