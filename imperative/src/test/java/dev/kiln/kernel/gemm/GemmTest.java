package dev.kiln.kernel.gemm;

import dev.kiln.KilnException;
import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class GemmTest {
    private static final int[] SIZES = {0, 1, 2, 5, 17, 63, 64, 65, 130};

    /** Which single-precision entry point a case runs. */
    private enum Path { VECTOR, SCALAR }

    @Test
    void vectorApiIsAvailableUnderTheBuildsJvmOptions() {
        assertThat(VectorSupport.isAvailable()).as(VectorSupport.describe()).isTrue();
        assertThat(VectorSupport.floatLanes()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void sgemmMatchesDoubleReferenceOverAllSmallShapesAndTransposes() {
        checkAllShapes(Path.VECTOR);
    }

    @Test
    void scalarFallbackMatchesDoubleReferenceOverAllSmallShapesAndTransposes() {
        checkAllShapes(Path.SCALAR);
    }

    private static void checkAllShapes(Path path) {
        Random rnd = new Random(42);
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    for (int t = 0; t < 4; t++) {
                        float alpha = (t & 1) == 0 ? 1f : -0.75f;
                        float beta = new float[] {0f, 1f, 0.5f}[(m + n + k + t) % 3];
                        check(path, rnd, t >= 2, (t & 1) == 1, m, n, k, alpha, beta, (m + k + t) % 3, (n + t) % 4);
                    }
                }
            }
        }
    }

    @Test
    void sgemmCrossesEveryBlockBoundaryWithOffsetsAndPaddedLeadingDimensions() {
        Random rnd = new Random(7);
        check(Path.VECTOR, rnd, false, false, 200, 1100, 600, 1.5f, 0.25f, 3, 5);
        check(Path.VECTOR, rnd, true, true, 131, 257, 513, 1f, 0f, 1, 2);
        check(Path.VECTOR, rnd, false, true, 97, 64, 300, -2f, 1f, 0, 0);
        check(Path.SCALAR, rnd, true, false, 150, 700, 300, 0.5f, 2f, 2, 1);
    }

    @Test
    void skinnyOutputsComputedAsTransposedProductAreCorrect() {
        Random rnd = new Random(3);
        check(Path.VECTOR, rnd, false, false, 64, 10, 128, 1f, 0f, 0, 0);
        check(Path.VECTOR, rnd, true, true, 300, 3, 70, 2f, 0.5f, 1, 3);
        check(Path.VECTOR, rnd, false, true, 1, 500, 40, 1f, 1f, 2, 0);
    }

    @Test
    void narrowOutputsOfAnUntransposedAAreComputedUntransposedAndCorrect() {
        int lanes = dev.kiln.kernel.simd.VectorSupport.floatLanes();
        assertThat(Gemm.packsB(512, lanes)).isTrue();
        assertThat(Gemm.packsB(512, (lanes + 1) / 2)).isTrue();
        Random rnd = new Random(5);
        check(Path.VECTOR, rnd, false, false, 300, lanes, 700, 1f, 0f, 0, 0);
        check(Path.VECTOR, rnd, false, true, 97, Math.max(1, lanes / 2 + 1), 300, 1f, 0.5f, 3, 2);
        check(Path.VECTOR, rnd, false, false, 130, (lanes + 1) / 2, 600, 1f, 1f, 1, 0);
        check(Path.SCALAR, rnd, false, false, 200, lanes, 300, 1f, 0f, 2, 1);
        // the same narrow product written as its transpose (which is computed as C^T) gives bitwise the same C
        int m = 200;
        int n = lanes;
        int k = 520;
        float[] a = randomFloats(rnd, m * k);
        float[] b = randomFloats(rnd, k * n);
        float[] c = new float[m * n];
        float[] ct = new float[n * m];
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        Gemm.sgemm(true, true, n, m, k, 1f, b, 0, n, a, 0, k, 0f, ct, 0, m);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertThat(ct[j * m + i]).as("C(%d,%d)", i, j).isEqualTo(c[i * n + j]);
            }
        }
    }

    @Test
    void vectorAndScalarPathsGiveBitwiseIdenticalResults() {
        Random rnd = new Random(9);
        // 196, 49, 40 and 20 columns end in partial panels one to four vectors wide; 784 and 128 deep with a
        // transposed B exercise the in-register transposes and their gathered depth tails
        int[][] cases = {{1, 1, 1}, {5, 130, 17}, {64, 10, 128}, {130, 65, 600}, {77, 300, 257}, {300, 3, 40},
            {64, 128, 784}, {50, 196, 300}, {31, 49, 200}, {13, 40, 70}, {9, 20, 33}};
        for (int[] mnk : cases) {
            for (int t = 0; t < 4; t++) {
                boolean ta = t >= 2;
                boolean tb = (t & 1) == 1;
                assertVectorPathGivesScalarBits(rnd, ta, tb, mnk[0], mnk[1], mnk[2], t == 2 ? 0.7f : 1f,
                        t == 1 ? 0f : 0.3f);
            }
        }
    }

    /**
     * Row counts that leave a last row panel of one to four rows (7 to 10; a batch of 8 is six rows and two) run the
     * two- and four-row register blocks; with beta 0 the full blocks are stored straight into C. Both must give the
     * scalar path's bits, whole panels and narrow ones, C read (beta 1) or not.
     */
    @Test
    void shortLastRowPanelsAndDirectStoresGiveTheScalarPathsBits() {
        Random rnd = new Random(21);
        int wide = 4 * VectorSupport.floatLanes();
        for (int m = 7; m <= 10; m++) {
            for (int n : new int[] {wide, 2 * wide + 3}) {
                for (float beta : new float[] {0f, 1f}) {
                    assertVectorPathGivesScalarBits(rnd, false, true, m, n, 200, 1f, beta);
                    assertVectorPathGivesScalarBits(rnd, true, false, m, n, 9, 1f, beta);
                }
            }
        }
    }

    /** Random operands and C, multiplied on the vector path and on the scalar path: C must come out bitwise equal. */
    private static void assertVectorPathGivesScalarBits(Random rnd, boolean ta, boolean tb, int m, int n, int k,
                                                        float alpha, float beta) {
        float[] a = randomFloats(rnd, m * k);
        float[] b = randomFloats(rnd, k * n);
        float[] c1 = randomFloats(rnd, m * n);
        float[] c2 = c1.clone();
        Gemm.sgemm(ta, tb, m, n, k, alpha, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c1, 0, n, Gemm.Path.VECTOR);
        Gemm.sgemmScalar(ta, tb, m, n, k, alpha, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c2, 0, n);
        assertThat(Arrays.equals(c1, c2)).as("%dx%dx%d ta=%s tb=%s alpha=%s beta=%s", m, n, k, ta, tb, alpha, beta)
                .isTrue();
    }

    /**
     * Products at most one register block wide and several depth blocks deep, with A read in place, run row panel by
     * row panel through every depth block (the 512-filter layers of a ResNet at batch 1); whole and partial row
     * panels, full and narrow blocks, beta 0, 1 and otherwise give bitwise the scalar path's results and match the
     * double reference.
     */
    @Test
    void deepNarrowProductsStreamingRowsOfAGiveTheScalarPathsBits() {
        Random rnd = new Random(13);
        int lanes = VectorSupport.floatLanes();
        int[][] cases = {{512, lanes, 4608}, {13, 40, 1000}, {7, 4 * lanes, 513}, {100, 33, 2000}, {6, 2 * lanes, 300},
            {25, lanes, 257}};
        float[] betas = {0f, 1f, 0.3f};
        for (int[] mnk : cases) {
            for (float beta : betas) {
                assertVectorPathGivesScalarBits(rnd, false, false, mnk[0], mnk[1], mnk[2], 1f, beta);
            }
            check(Path.VECTOR, rnd, false, false, mnk[0], mnk[1], mnk[2], 1f, 0.5f, 2, 3);
        }
    }

    /**
     * Narrow products of long rows with a transposed B (a classifier head on flattened features) are computed as dot
     * products of rows: the choice is the cost model's (long rows yes, short ones no), and they match the double
     * reference, give the scalar path's bits (C read or not, padded strides, a depth with a partial last vector), and
     * the same bits split over the threads or run whole inside a worker.
     */
    @Test
    void narrowProductsOfLongRowsAreDotProductsOfRowsWithTheScalarPathsBits() {
        int lanes = VectorSupport.floatLanes();
        assertThat(Gemm.dotsRows(64, 10, 1568)).isEqualTo(VectorSupport.isAvailable());
        assertThat(Gemm.dotsRows(64, 10, 128)).isFalse();
        assertThat(Gemm.dotsRows(64, lanes + 1, 4096)).isFalse();
        Random rnd = new Random(17);
        int[][] cases = {{64, 10, 1568}, {4, 10, 1568}, {1, 10, 512}, {33, lanes, 999}, {7, 3, 700}, {5, 1, 2000}};
        float[] betas = {0f, 1f, 0.3f};
        for (int[] mnk : cases) {
            for (float beta : betas) {
                assertVectorPathGivesScalarBits(rnd, false, true, mnk[0], mnk[1], mnk[2], 1f, beta);
            }
            check(Path.VECTOR, rnd, false, true, mnk[0], mnk[1], mnk[2], 1f, 0.5f, 3, 2);
            check(Path.SCALAR, rnd, false, true, mnk[0], mnk[1], mnk[2], 1f, 0f, 1, 0);
            float[] a = randomFloats(rnd, mnk[0] * mnk[2]);
            float[] b = randomFloats(rnd, mnk[1] * mnk[2]);
            float[] together = new float[mnk[0] * mnk[1]];
            float[] inWorker = new float[mnk[0] * mnk[1]];
            Gemm.sgemm(false, true, mnk[0], mnk[1], mnk[2], 1f, a, 0, mnk[2], b, 0, mnk[2], 0f, together, 0, mnk[1]);
            Parallel.forRange(2, 1, (from, to) -> {
                if (from == 0) {
                    Gemm.sgemm(false, true, mnk[0], mnk[1], mnk[2], 1f, a, 0, mnk[2], b, 0, mnk[2], 0f, inWorker, 0,
                            mnk[1]);
                }
            });
            assertThat(Arrays.equals(together, inWorker)).as("%s", Arrays.toString(mnk)).isTrue();
        }
    }

    @Test
    void dgemmMatchesReferenceAcrossShapesAndTransposes() {
        Random rnd = new Random(11);
        int[] sizes = {0, 1, 3, 17, 65, 130, 300};
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : new int[] {0, 1, 65, 270}) {
                    for (int t = 0; t < 4; t++) {
                        checkDouble(rnd, t >= 2, (t & 1) == 1, m, n, k, t == 3 ? 0.5 : 1, t == 1 ? 0 : 0.25);
                    }
                }
            }
        }
    }

    @Test
    void betaZeroNeverReadsCAndZeroDepthOnlyScalesC() {
        float[] a = {1, 2, 3, 4};
        float[] b = {1, 0, 0, 1};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Gemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(1, 2, 3, 4);

        float[] d = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 3f, d, 0, 2);
        assertThat(d).containsExactly(3, 6, 9, 12);

        float[] s = {Float.NaN, 5};
        Gemm.sgemmScalar(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, s, 0, 2);
        assertThat(s).containsExactly(0, 0);
    }

    @Test
    void splitAndUnsplitRunsGiveBitwiseIdenticalResults() {
        Random rnd = new Random(5);
        // split by rows, and by columns at vector (not panel) boundaries: 784 columns split as 24 + 25 vectors
        int[][] cases = {{190, 333, 410, 0}, {64, 784, 128, 0}, {64, 128, 784, 1}, {256, 196, 300, 0},
            {512, 49, 100, 0}};
        for (int[] shape : cases) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            boolean tb = shape[3] == 1;
            float[] a = randomFloats(rnd, m * k);
            float[] b = randomFloats(rnd, k * n);
            float[] together = new float[m * n];
            Gemm.Path path = VectorSupport.isAvailable() ? Gemm.Path.VECTOR : Gemm.Path.SCALAR;
            Gemm.sgemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, 0f, together, 0, n, path);
            float[][] perChunk = new float[2][m * n];
            // Inside a pool worker a GEMM runs unsplit; on the calling thread it may split: results must agree.
            Parallel.forRange(2, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    Gemm.sgemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, 0f, perChunk[i], 0, n, path);
                }
            });
            assertThat(Arrays.equals(together, perChunk[0])).as("%dx%dx%d", m, n, k).isTrue();
            assertThat(Arrays.equals(together, perChunk[1])).as("%dx%dx%d", m, n, k).isTrue();
        }
    }

    @Test
    void operandsThatDoNotFitTheirArraysAreRejected() {
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 2, 1f, new float[3], 0, 2, new float[4], 0, 2,
                0f, new float[4], 0, 2))
                .isInstanceOf(KilnException.class).hasMessageContaining("A of 2 x 2");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 3, 2, 1f, new float[4], 0, 2, new float[6], 0, 3,
                0f, new float[6], 0, 2))
                .isInstanceOf(KilnException.class).hasMessageContaining("leading dimension 2");
        assertThatThrownBy(() -> Gemm.dgemm(false, false, -1, 2, 2, 1, new double[4], 0, 2, new double[4], 0, 2,
                0, new double[4], 0, 2))
                .isInstanceOf(KilnException.class).hasMessageContaining("negative size");
    }

    private static void check(Path path, Random rnd, boolean ta, boolean tb, int m, int n, int k,
                              float alpha, float beta, int pad, int off) {
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + pad;
        int ldb = bCols + pad;
        int ldc = n + pad;
        float[] a = randomFloats(rnd, off + Math.max(0, aRows * lda));
        float[] b = randomFloats(rnd, off + Math.max(0, bRows * ldb));
        float[] c = randomFloats(rnd, off + Math.max(0, m * ldc));
        float[] c0 = c.clone();
        if (path == Path.VECTOR) {
            Gemm.sgemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc, Gemm.Path.VECTOR);
        } else {
            Gemm.sgemmScalar(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
        }
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - off;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                if (c[idx] != c0[idx]) {
                    fail("%s %dx%dx%d ta=%s tb=%s wrote outside C at %d", path, m, n, k, ta, tb, idx);
                }
                continue;
            }
            int i = rel / ldc;
            int j = rel % ldc;
            double sum = 0;
            double mag = 0;
            for (int p = 0; p < k; p++) {
                double av = ta ? a[off + p * lda + i] : a[off + i * lda + p];
                double bv = tb ? b[off + j * ldb + p] : b[off + p * ldb + j];
                sum += av * bv;
                mag += Math.abs(av * bv);
            }
            double expected = alpha * sum + beta * c0[idx];
            double tol = 1e-6 + 4e-7 * (k + 2) * (Math.abs(alpha) * mag + Math.abs(beta * c0[idx]));
            if (Math.abs(c[idx] - expected) > tol) {
                fail("%s %dx%dx%d ta=%s tb=%s alpha=%s beta=%s: C(%d,%d)=%s, expected %s", path, m, n, k, ta, tb,
                        alpha, beta, i, j, c[idx], expected);
            }
        }
    }

    private static void checkDouble(Random rnd, boolean ta, boolean tb, int m, int n, int k, double alpha,
                                    double beta) {
        int lda = (ta ? m : k) + 1;
        int ldb = (tb ? k : n) + 2;
        int ldc = n + 1;
        double[] a = randomDoubles(rnd, 1 + (ta ? k : m) * lda);
        double[] b = randomDoubles(rnd, 1 + (tb ? n : k) * ldb);
        double[] c = randomDoubles(rnd, 1 + m * ldc);
        double[] c0 = c.clone();
        Gemm.dgemm(ta, tb, m, n, k, alpha, a, 1, lda, b, 1, ldb, beta, c, 1, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (ta ? a[1 + p * lda + i] : a[1 + i * lda + p]) * (tb ? b[1 + j * ldb + p] : b[1 + p * ldb + j]);
                }
                double expected = alpha * sum + beta * c0[1 + i * ldc + j];
                assertThat(c[1 + i * ldc + j]).as("dgemm %dx%dx%d ta=%s tb=%s at (%d,%d)", m, n, k, ta, tb, i, j)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12 * (k + 1)));
            }
        }
    }

    private static float[] randomFloats(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static double[] randomDoubles(Random rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextDouble() * 2 - 1;
        }
        return x;
    }

    @Test
    void registerBlockWritesSixRowsOfTheProductAtTheGivenOffsetAndStride() {
        assertThat(VectorSupport.isAvailable()).as(VectorSupport.describe()).isTrue();
        Random r = new Random(27);
        int nr = Gemm.registerColumns();
        int kc = 37;
        int lda = 41;
        float[] a = new float[3 + (Gemm.REGISTER_ROWS - 1) * lda + kc];
        float[] b = new float[5 + kc * nr];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        int stride = nr + 9;
        float[] out = new float[7 + Gemm.REGISTER_ROWS * stride];
        Arrays.fill(out, Float.NaN);
        // rows of A read in place (row stride lda, depth stride 1)
        Gemm.registerBlock(kc, a, 3, lda, 1, b, 5, out, 7, stride);
        for (int row = 0; row < Gemm.REGISTER_ROWS; row++) {
            for (int j = 0; j < nr; j++) {
                double sum = 0;
                for (int p = 0; p < kc; p++) {
                    sum += (double) a[3 + row * lda + p] * b[5 + p * nr + j];
                }
                assertThat((double) out[7 + row * stride + j]).as("row %d column %d", row, j)
                        .isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(out[7 + row * stride + nr]).as("past row %d", row).isNaN();
        }
        assertThat(out[6]).isNaN();
    }
}
