package dev.kiln.kernel.gemm;

import dev.kiln.KilnException;
import dev.kiln.kernel.simd.VectorSupport;

import java.util.function.Consumer;

/**
 * General matrix multiply on row-major arrays, the kernel under dot, FullyConnected and convolution:
 * {@code C = alpha * op(A) * op(B) + beta * C} where {@code op(X)} is X or its transpose.
 * Leading dimensions are the row strides of the arrays as stored.
 *
 * <p>Single precision runs a packed, cache- and register-blocked kernel on the Vector API when
 * {@link VectorSupport#isAvailable()} (else {@link #sgemmScalar}); large products are split across Kiln's threads by
 * whole register blocks, so results do not depend on the thread count. As in BLAS, C is not read when
 * {@code beta == 0}, and A and B are not read when {@code k == 0} or {@code alpha == 0}.
 */
public final class Gemm {
    /** Products with fewer multiply-adds than this run on one thread: a hand-off costs more than it saves. */
    static final long PARALLEL_MIN_WORK = 1L << 18;

    private Gemm() {
    }

    /** Single precision. {@code op(A)} is m x k, {@code op(B)} is k x n, C is m x n. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                VectorSupport.isAvailable());
    }

    /**
     * The scalar fallback {@link #sgemm} uses when the Vector API is absent, callable directly (tests, and comparing
     * the two paths). Same contract as {@link #sgemm}.
     */
    public static void sgemmScalar(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, false);
    }

    /** Double precision, same contract as {@link #sgemm}. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[row + j] = beta == 0 ? 0 : c[row + j] * beta;
                }
            }
            return;
        }
        int parts = (long) m * n * k >= PARALLEL_MIN_WORK ? Math.min(GemmTeam.size(), m) : 1;
        GemmTeam.run(parts, p -> DoubleGemm.rows(transA, transB, (int) ((long) m * p / parts),
                (int) ((long) m * (p + 1) / parts), n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
    }

    private static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc, boolean vector) {
        check(transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        FloatProblem g = new FloatProblem(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, 1);
        if (vector) {
            int mr = VectorSgemm.MR;
            int nr = VectorSgemm.NR;
            // A narrow C wastes most of each 6 x 64 register block on padding; computing C^T instead pads far less,
            // but stores C through a column stride, so swap only when that saves at least a third of the work.
            if (3 * paddedArea(n, m, mr, nr) < 2 * paddedArea(m, n, mr, nr)) {
                g = g.transposed();
            }
            split(g, mr, nr, VectorSgemm::compute);
        } else {
            split(g, ScalarSgemm.MR, ScalarSgemm.NR, ScalarSgemm::compute);
        }
    }

    private static long paddedArea(int m, int n, int mr, int nr) {
        return (long) ((m + mr - 1) / mr * mr) * ((n + nr - 1) / nr * nr);
    }

    /**
     * Splits C into one block per thread along the dimension with more register blocks (columns when possible: the
     * threads then share no packed B), and computes the blocks in parallel.
     */
    private static void split(FloatProblem g, int mr, int nr, Consumer<FloatProblem> kernel) {
        int threads = (long) g.m() * g.n() * g.k() >= PARALLEL_MIN_WORK ? GemmTeam.size() : 1;
        int tilesM = (g.m() + mr - 1) / mr;
        int tilesN = (g.n() + nr - 1) / nr;
        boolean byColumns = tilesN >= threads && (tilesN >= tilesM || tilesM < threads);
        int tiles = byColumns ? tilesN : tilesM;
        int parts = Math.min(threads, tiles);
        if (parts <= 1) {
            kernel.accept(g);
            return;
        }
        int unit = byColumns ? nr : mr;
        int extent = byColumns ? g.n() : g.m();
        GemmTeam.run(parts, p -> {
            int from = Math.min(extent, tiles * p / parts * unit);
            int to = Math.min(extent, tiles * (p + 1) / parts * unit);
            if (from < to) {
                kernel.accept(byColumns ? g.block(0, g.m(), from, to) : g.block(from, to, 0, g.n()));
            }
        });
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : c[row + j] * beta;
            }
        }
    }

    /** Rejects negative sizes, short leading dimensions and operands that do not fit their arrays. */
    private static void check(boolean transA, boolean transB, int m, int n, int k, int aLen, int aOff, int lda,
                              int bLen, int bOff, int ldb, int cLen, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new KilnException("gemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        fits("C", m, n, cLen, cOff, ldc);
        if (k > 0) {
            fits("A", transA ? k : m, transA ? m : k, aLen, aOff, lda);
            fits("B", transB ? n : k, transB ? k : n, bLen, bOff, ldb);
        }
    }

    private static void fits(String name, int rows, int cols, int len, int off, int ld) {
        if (ld < cols || off < 0 || (long) off + (long) (rows - 1) * ld + cols > len) {
            throw new KilnException("gemm: " + name + " of " + rows + " x " + cols + " with offset " + off
                    + " and leading dimension " + ld + " does not fit an array of " + len + " elements");
        }
    }
}
