package dev.kiln.kernel.gemm;

import dev.kiln.KilnException;
import dev.kiln.parallel.Parallel;
import dev.kiln.kernel.simd.VectorSupport;

import java.util.function.Consumer;

/**
 * General matrix multiply on row-major arrays, the kernel under dot, FullyConnected and convolution:
 * {@code C = alpha * op(A) * op(B) + beta * C} where {@code op(X)} is X or its transpose.
 * Leading dimensions are the row strides of the arrays as stored.
 *
 * <p>Single precision runs a packed, cache- and register-blocked kernel on the Vector API when
 * {@link VectorSupport#isAvailable()}; otherwise, and for the first calls while HotSpot compiles that kernel, it runs
 * {@link #sgemmScalar}, which performs the same arithmetic and gives bitwise the same results. Large products are
 * split across Kiln's threads by whole register blocks, so results do not depend on the thread count either. As in
 * BLAS, C is not read when {@code beta == 0}, and A and B are not read when {@code k == 0} or {@code alpha == 0}.
 * Negative sizes, short leading dimensions and operands that do not fit their arrays raise {@link KilnException}.
 */
public final class Gemm {
    /** Products with fewer multiply-adds than this run on one thread: a hand-off costs more than it saves. */
    static final long PARALLEL_MIN_WORK = 1L << 20;
    /**
     * Products with at least this many multiply-adds wake parked helper threads (a part no helper has started is
     * the caller's, so a late helper costs only the wake-up call). At twice this, an MLP training step at batch 8,
     * whose largest products are 1.6 million multiply-adds (about 40 us on one thread), could run with its helper
     * parked for good: 0.16 ms a step instead of 0.11 in some JVMs, depending on whether another op woke it.
     */
    static final long WAKE_MIN_WORK = 1L << 20;
    /** Cost of summing one dot product's lanes and storing it, in multiply-adds of the one-vector register block. */
    private static final int ROW_DOT_FOLD = 24;
    /** Row-dot products with fewer multiply-adds than this run on one thread. */
    private static final long ROW_DOTS_PARALLEL_WORK = 1L << 18;
    /**
     * Row-dot products with at least this many multiply-adds wake parked helpers: about 15 us on one thread, half
     * the multiply-adds of {@link #WAKE_MIN_WORK} at about half the GEMM's speed.
     */
    private static final long ROW_DOTS_WAKE_WORK = 1L << 19;

    /** Depth of one packed block in both single-precision paths; equal blocking keeps their results identical. */
    static final int SGEMM_KC = 256;
    /**
     * The depth block both single-precision paths use for a depth of {@code k}: at most {@link #SGEMM_KC}, and as
     * even as possible (784 splits as 4 x 196, not 3 x 256 + 16, whose short last block would cost a full C update).
     * Public for kernels that must round as a product does (the same sums, block by block).
     */
    public static int depthBlock(int k) {
        int blocks = (k + SGEMM_KC - 1) / SGEMM_KC;
        return (k + blocks - 1) / blocks;
    }

    /** Rows of the vector register block, which also decides when a product is computed transposed. */
    private static final int SGEMM_MR = 6;

    /** Which single-precision kernel runs. */
    enum Path { AUTO, SCALAR, VECTOR }

    private Gemm() {
    }

    /**
     * Told that a block of C, rows {@code [rowFrom, rowTo)} and columns {@code [colFrom, colTo)} in C's own
     * coordinates, holds its final values; called on the thread that computed it, right after, so the block is still
     * in cache. The blocks of one product are disjoint and cover C.
     */
    @FunctionalInterface
    public interface BlockDone {
        void done(int rowFrom, int rowTo, int colFrom, int colTo);
    }

    /**
     * Produces op(B) of a product straight in the packed panel layout its kernel streams through, so that a B that
     * is never stored as a matrix (a convolution's column matrix) is neither written out nor copied a second time.
     */
    @FunctionalInterface
    public interface PanelSource {
        /**
         * Writes depth {@code [p0, p0 + kc)} and columns {@code [j0, j0 + nc)} of B as panels of {@code nr} columns:
         * panel {@code q} (columns {@code j0 + q * nr ..}) starts at {@code dstOff + q * nr * kc} and holds B's
         * element (p0 + p, j0 + q * nr + col) at {@code p * nr + col}; columns of the last panel past {@code nc}
         * are zero. With {@code nr == nc} this is the plain row-major block.
         */
        void pack(int p0, int kc, int j0, int nc, int nr, float[] dst, int dstOff);
    }

    /**
     * True when a single-precision m x n product of an untransposed A with alpha 1 computes C itself rather than C^T
     * (see {@link #sgemm}), so that its op(B) is packed in panels and {@link #sgemm(int, int, int, float[], int, int,
     * PanelSource, float[], int, int, BlockDone)} applies.
     */
    public static boolean packsB(int m, int n) {
        return !computesTransposed(false, 1f, m, n);
    }

    /**
     * True when a single-precision m x n product of an untransposed A with alpha 1 reads the row panels of A in place
     * instead of packing them (the vector kernel, C computed as such and at most {@link #directAMaxN} columns wide),
     * so that A costs nothing beyond the product itself however large it is.
     */
    public static boolean readsAInPlace(int m, int n) {
        return VectorSupport.isAvailable() && packsB(m, n) && n <= directAMaxN();
    }

    /**
     * Widest C (in columns) for which the vector kernel reads full row panels of an untransposed A in place: four
     * register blocks wide; a wider C reuses each packed panel of A often enough to pay for packing it.
     */
    static int directAMaxN() {
        return 16 * VectorSupport.floatLanes();
    }

    /**
     * Whether a single-precision product is computed as C^T. A narrow C wastes most of each 6 x (4 vectors) register
     * block on padding; computing C^T instead pads far less, but stores C through a column stride, so it is chosen
     * only when that saves at least a third of the work. Except for C at most one vector and at least half of one
     * wide with an A read in place (untransposed, alpha 1): C^T would pack all of A transposed, used by those few
     * columns only, which costs more than the lanes the one-vector block leaves empty (a convolution of 512 filters
     * on a 4 x 4 grid, 4608 deep, runs about 1.5x faster this way). Either way every element of C is the same sum in
     * the same order, so the choice never changes a result.
     */
    private static boolean computesTransposed(boolean transA, float alpha, int m, int n) {
        int lanes = VectorSupport.floatLanes();
        if (!transA && alpha == 1f && n <= lanes && 2 * n >= lanes) {
            return false;
        }
        return 3 * paddedArea(n, m, SGEMM_MR, lanes) < 2 * paddedArea(m, n, SGEMM_MR, lanes);
    }

    /**
     * Whether an m x n product covers at most three quarters of its register-block area computed as its transpose
     * (n x m), packing aside (both operands laid out once, as a kept inference weight is): a C only a few columns
     * wide leaves most lanes of the one-vector block empty. For callers that lay out the transposed operands
     * themselves; near ties are left alone, the transposed result having to be copied back.
     */
    public static boolean transposeCoversLess(int m, int n) {
        return 4 * blockArea(n, m) <= 3 * blockArea(m, n);
    }

    /** The register-block area an m x n product covers: rows in blocks of six, columns in whole vectors. */
    private static long blockArea(int m, int n) {
        int lanes = VectorSupport.floatLanes();
        return (long) ((m + SGEMM_MR - 1) / SGEMM_MR * SGEMM_MR) * ((n + lanes - 1) / lanes * lanes);
    }

    /**
     * {@code C = A * B} (alpha 1, beta 0) for an untransposed A and a B that {@code source} packs straight into the
     * kernel's panels; every element is the same sum, bitwise, as {@link #sgemm} of the stored B gives. Only for
     * products that {@link #packsB}; {@code done} (unless null) hears of each finished block as in {@link #sgemm}.
     */
    public static void sgemm(int m, int n, int k, float[] a, int aOff, int lda, PanelSource source,
                             float[] c, int cOff, int ldc, BlockDone done) {
        sgemmFromPanels(m, n, k, a, aOff, lda, source, 0f, null, c, cOff, ldc, Path.AUTO, done);
    }

    /**
     * A product whose op(B) comes in panels from {@code source} (a packing source or a {@link PackedB}): checks it
     * is one that {@link #packsB} and that A and C fit, then runs it on {@code path}.
     */
    private static void sgemmFromPanels(int m, int n, int k, float[] a, int aOff, int lda, PanelSource source,
                                        float beta, float[] bias, float[] c, int cOff, int ldc, Path path,
                                        BlockDone done) {
        if (!packsB(m, n)) {
            throw new KilnException("gemm: a " + m + " x " + n + " product is computed transposed and cannot take"
                    + " a packed B");
        }
        // B is checked as if stored k x n: the source produces exactly that many elements
        check(false, false, m, n, k, a.length, aOff, lda, (int) Math.min(Integer.MAX_VALUE, (long) k * n), 0, n,
                c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (bias != null && bias.length < n) {
            throw new KilnException("gemm: a bias of " + bias.length + " values for " + n + " columns");
        }
        FloatProblem g = new FloatProblem(false, false, m, n, k, 1f, a, aOff, lda, null, 0, n,
                beta, c, cOff, ldc, 1, source, bias, 0);
        if (k == 0) {
            if (bias != null) {
                g.withBiasInC();
            } else {
                scale(m, n, beta, c, cOff, ldc);
            }
            report(done, 0, m, 0, n);
            return;
        }
        if (source instanceof PackedB packed && packed.transB() && dotsRows(m, n, k)) {
            // as the stored B's product is computed: dot products of its rows, added to C's rows filled with the
            // bias when there is one (withBiasInC fills them; its problem is not needed here)
            g.withBiasInC();
            rowDots(m, n, k, a, aOff, lda, packed.stored(), packed.storedOffset(), packed.storedStride(),
                    bias != null ? 1f : beta, c, cOff, ldc, path, done);
            return;
        }
        run(g, path, done);
    }

    /** Rows of {@link #registerBlock}'s result. */
    public static final int REGISTER_ROWS = SGEMM_MR;

    /** Columns of {@link #registerBlock}'s result and of each depth row of its packed B: four vectors. */
    public static int registerColumns() {
        return 4 * VectorSupport.floatLanes();
    }

    /**
     * The vector GEMM's register block, for kernels that lay out their own operands (Winograd's sixteen products):
     * {@code out[outAt + r * outStride + j] = sum_p A(r, p) * b[bAt + p * registerColumns() + j]} for r below
     * {@link #REGISTER_ROWS}, with {@code A(r, p) = a[aAt + r * ars + p * ads]}. Every row is written, so all six
     * rows of A must lie in {@code a} and all six rows of the result in {@code out}. Only when
     * {@link VectorSupport#isAvailable()}; nothing is checked beyond the arrays' own bounds.
     */
    public static void registerBlock(int kc, float[] a, int aAt, int ars, int ads, float[] b, int bAt, float[] out,
                                     int outAt, int outStride) {
        VectorSgemm.microKernel(kc, a, aAt, ars, ads, b, bAt, out, outAt, outStride);
    }

    /**
     * op(B) of single-precision products packed once ({@link PackedB}), for a B that many products read unchanged:
     * B is {@code k x n} after op ({@code n x k} stored when {@code transB}). On the vector path the panels are packed
     * now; without the Vector API only the stored B is referenced.
     */
    public static PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        check(false, transB, 1, n, k, Math.max(1, k), 0, Math.max(1, k), b.length, bOff, ldb, n, 0, n);
        if (VectorSupport.isAvailable() && k > 0 && n > 0) {
            return VectorSgemm.pack(transB, k, n, b, bOff, ldb);
        }
        return new PackedB(transB, k, n, b, bOff, ldb, null, null, 0);
    }

    /**
     * {@code C = A * op(B) + beta * C} (alpha 1) for an untransposed A and a B packed once by {@link #packB}: bitwise
     * what {@link #sgemm} gives for the stored B, without packing it again. Only for products that {@link #packsB};
     * {@code done} (unless null) hears of each finished block as in {@link #sgemm}.
     */
    public static void sgemm(int m, int k, float[] a, int aOff, int lda, PackedB b, float beta,
                             float[] c, int cOff, int ldc, BlockDone done) {
        sgemm(m, k, a, aOff, lda, b, beta, null, c, cOff, ldc, Path.AUTO, done);
    }

    /**
     * {@code C = A * op(B) + bias} for an untransposed A, a B packed once by {@link #packB} and one bias value per
     * column of C: bitwise what a C holding the bias in every row gives with beta 1, without writing those rows first
     * (the vector kernel adds the bias as it stores its first depth block). Only for products that {@link #packsB};
     * {@code done} (unless null) hears of each finished block as in {@link #sgemm}.
     */
    public static void sgemm(int m, int k, float[] a, int aOff, int lda, PackedB b, float[] bias,
                             float[] c, int cOff, int ldc, BlockDone done) {
        sgemm(m, k, a, aOff, lda, b, 0f, java.util.Objects.requireNonNull(bias, "bias"), c, cOff, ldc, Path.AUTO,
                done);
    }

    /** A product over a {@link PackedB} on a chosen path, with a bias per column (or null) or beta. */
    static void sgemm(int m, int k, float[] a, int aOff, int lda, PackedB b, float beta, float[] bias,
                      float[] c, int cOff, int ldc, Path path, BlockDone done) {
        if (b.k() != k) {
            throw new KilnException("gemm: B was packed " + b.k() + " deep but the product is " + k + " deep");
        }
        sgemmFromPanels(m, b.n(), k, a, aOff, lda, b, beta, bias, c, cOff, ldc, path, done);
    }

    /** Single precision. {@code op(A)} is m x k, {@code op(B)} is k x n, C is m x n. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Path.AUTO, null);
    }

    /** {@link #sgemm} telling {@code done} about each finished block of C (the same blocks its threads compute). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, BlockDone done) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Path.AUTO, done);
    }

    /**
     * The scalar fallback {@link #sgemm} uses when the Vector API is absent (or not compiled yet), callable directly
     * (tests, and comparing the two paths). Same contract and bitwise the same results as {@link #sgemm}.
     */
    public static void sgemmScalar(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Path.SCALAR, null);
    }

    /** Double precision, same contract as {@link #sgemm}. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
    }

    /** {@link #dgemm} telling {@code done} (unless null) about each finished block of C, as {@link #sgemm} does. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc, BlockDone done) {
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
            report(done, 0, m, 0, n);
            return;
        }
        int parts = (long) m * n * k >= PARALLEL_MIN_WORK ? Math.min(Parallel.threads(), m) : 1;
        Parallel.forParts(parts, (long) m * n * k >= WAKE_MIN_WORK, p -> {
            int i0 = (int) ((long) m * p / parts);
            int i1 = (int) ((long) m * (p + 1) / parts);
            DoubleGemm.rows(transA, transB, i0, i1, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            if (i0 < i1) {
                report(done, i0, i1, 0, n);
            }
        });
    }

    private static void report(BlockDone done, int rowFrom, int rowTo, int colFrom, int colTo) {
        if (done != null) {
            done.done(rowFrom, rowTo, colFrom, colTo);
        }
    }

    /** {@link #sgemm} on a chosen path; {@link Path#VECTOR} needs the Vector API (tests call it directly). */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, Path path) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, path, null);
    }

    private static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc, Path path, BlockDone done) {
        check(transA, transB, m, n, k, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            report(done, 0, m, 0, n);
            return;
        }
        if (!transA && transB && alpha == 1f && dotsRows(m, n, k)) {
            rowDots(m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, path, done);
            return;
        }
        FloatProblem g = new FloatProblem(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, 1, null);
        // both paths make the same choice (computesTransposed) so that their results stay identical
        boolean transposed = computesTransposed(transA, alpha, m, n);
        if (transposed) {
            g = g.transposed();
        }
        // a block of the computed problem is a block of C, with rows and columns swapped when computing C^T
        run(g, path, done == null ? null : transposed ? (i0, i1, j0, j1) -> done.done(j0, j1, i0, i1) : done);
    }

    /**
     * Whether a single-precision m x n product of an untransposed A and a transposed B (both read along rows k long)
     * with alpha 1 is computed as dot products of their rows ({@link VectorRowDots}) rather than as a GEMM: C at most
     * a vector wide and rows long enough that a vector of depth per multiply-add, plus summing each element's lanes,
     * costs less than the one-vector register block, which spends a multiply-add per row and depth step on a vector
     * of which only {@code n} lanes count and reads a broadcast for each (a 10-way classifier on 1568 features at
     * batch 64: 64 us on one thread as a GEMM, 31 as dot products, 17 on two). The sums differ from the GEMM's in
     * rounding order, so a product that is computed this way always is, on both paths: callers that pack B for the
     * GEMM (a kept FullyConnected weight) get the same from a {@link PackedB} of a transposed B, whose stored rows it
     * reads.
     */
    public static boolean dotsRows(int m, int n, int k) {
        int lanes = VectorSupport.floatLanes();
        return VectorSupport.isAvailable() && n <= lanes
                && (long) m * n * (k / lanes + ROW_DOT_FOLD) < (long) ((m + SGEMM_MR - 1) / SGEMM_MR * SGEMM_MR) * k;
    }

    /**
     * {@code C = A * B^T + beta * C} as dot products of rows ({@link #dotsRows}): C scaled by beta first (cleared,
     * not read, for beta 0), then each element's dot product added; rows of C in groups of four (the vector block's
     * height) split over the threads, each group's rows told to {@code done} on the thread that computed them.
     */
    private static void rowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, Path path, BlockDone done) {
        boolean vector = path == Path.VECTOR || path == Path.AUTO && VectorSgemm.isWarm();
        int groups = (m + 3) / 4;
        long work = (long) m * n * k;
        int parts = work >= ROW_DOTS_PARALLEL_WORK ? Math.min(Parallel.threads(), groups) : 1;
        Parallel.forParts(parts, work >= ROW_DOTS_WAKE_WORK, p -> {
            int i0 = Math.min(m, groups * p / parts * 4);
            int i1 = Math.min(m, groups * (p + 1) / parts * 4);
            if (i0 < i1) {
                int cRow = cOff + i0 * ldc;
                if (beta != 1f) {
                    scale(i1 - i0, n, beta, c, cRow, ldc);
                }
                if (vector) {
                    VectorRowDots.accumulate(i1 - i0, n, k, a, aOff + i0 * lda, lda, b, bOff, ldb, c, cRow, ldc);
                } else {
                    ScalarRowDots.accumulate(i1 - i0, n, k, a, aOff + i0 * lda, lda, b, bOff, ldb, c, cRow, ldc);
                }
                report(done, i0, i1, 0, n);
            }
        });
    }

    /** Runs {@code g} (as computed: C or C^T) on the chosen path, split over the threads. */
    private static void run(FloatProblem g, Path path, BlockDone blockDone) {
        boolean vector = path == Path.VECTOR
                || path == Path.AUTO && VectorSupport.isAvailable() && VectorSgemm.isWarm();
        if (!vector) {
            g = g.withBiasInC();
        }
        if (vector) {
            // a thread reads pre-packed panels from its first column on, so its columns start on a panel
            int unit = g.source() instanceof PackedB ? 4 * VectorSupport.floatLanes() : VectorSupport.floatLanes();
            split(g, VectorSgemm.MR, unit, VectorSgemm::compute, blockDone);
        } else {
            split(g, ScalarSgemm.MR, ScalarSgemm.NR, ScalarSgemm::compute, blockDone);
        }
    }

    /**
     * The register-block area an m x n product covers: rows in blocks of {@code mr}; columns in panels of four
     * vectors, a partial last panel as the two or three vectors its narrow block computes (so 32 columns do not cost
     * 64, which made the 128 x 32 products of attention run transposed, a third slower), a one-vector remainder as a
     * whole panel (those shapes keep the choice they had).
     */
    private static long paddedArea(int m, int n, int mr, int lanes) {
        int nr = 4 * lanes;
        int rest = n % nr;
        int restVectors = (rest + lanes - 1) / lanes;
        long cols = (long) n / nr * nr + (rest == 0 ? 0 : restVectors >= 2 ? (long) restVectors * lanes : nr);
        return (long) ((m + mr - 1) / mr * mr) * cols;
    }

    /**
     * Splits C into one block per thread, by whole register rows ({@code mr}) or column units ({@code nu}: one
     * vector on the vector path, whose narrow register blocks handle a part ending mid-panel), whichever an estimate
     * of the slowest thread's time prefers: its register rows times column units (3 cycles per depth step) plus what
     * it packs (each thread packs all of op(B) when rows are split, all of op(A) when columns are). Each finished
     * block is told to {@code done} (unless null) on its thread.
     */
    private static void split(FloatProblem g, int mr, int nu, Consumer<FloatProblem> kernel, BlockDone done) {
        int threads = (long) g.m() * g.n() * g.k() >= PARALLEL_MIN_WORK ? Parallel.threads() : 1;
        long tilesM = (g.m() + mr - 1) / mr;
        long tilesN = (g.n() + nu - 1) / nu;
        long k = g.k();
        long perTile = 3L * nu / VectorSupport.floatLanes();
        long byRows = ceilDiv(tilesM, threads) * tilesN * k * perTile + k * g.n() + k * g.m() / threads;
        long byCols = tilesM * ceilDiv(tilesN, threads) * k * perTile + k * g.m() + k * g.n() / threads;
        boolean byColumns = byCols < byRows;
        int tiles = (int) (byColumns ? tilesN : tilesM);
        int parts = Math.min(threads, tiles);
        if (parts <= 1) {
            kernel.accept(g);
            report(done, 0, g.m(), 0, g.n());
            return;
        }
        int unit = byColumns ? nu : mr;
        int extent = byColumns ? g.n() : g.m();
        Parallel.forParts(parts, (long) g.m() * g.n() * g.k() >= WAKE_MIN_WORK, p -> {
            int from = Math.min(extent, tiles * p / parts * unit);
            int to = Math.min(extent, tiles * (p + 1) / parts * unit);
            if (from < to) {
                kernel.accept(byColumns ? g.block(0, g.m(), from, to) : g.block(from, to, 0, g.n()));
                if (byColumns) {
                    report(done, 0, g.m(), from, to);
                } else {
                    report(done, from, to, 0, g.n());
                }
            }
        });
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
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
