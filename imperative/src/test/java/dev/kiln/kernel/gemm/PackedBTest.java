package dev.kiln.kernel.gemm;

import dev.kiln.KilnException;
import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class PackedBTest {
    /**
     * m x n x k: one register row block and several, full and partial column panels, more columns than one packed
     * block holds (1100 > 1024), several depth blocks (784 = 4 x 196), one depth step, and shapes split over threads
     * by rows and by columns; narrow products of long rows (a classifier head) that are computed as dot products of
     * the stored rows.
     */
    private static final int[][] SHAPES = {{8, 256, 784}, {1, 10, 512}, {64, 10, 1568}, {5, 100, 7}, {13, 1100, 300},
        {64, 256, 784}, {8, 128, 256}, {100, 64, 1}, {7, 48, 33}, {200, 300, 600}};

    @Test
    void aPackedWeightGivesBitwiseTheProductOfTheStoredOneOnBothPaths() {
        Random r = new Random(7);
        for (int[] s : SHAPES) {
            for (boolean transB : new boolean[] {true, false}) {
                for (float beta : new float[] {0f, 1f}) {
                    int m = s[0];
                    int n = s[1];
                    int k = s[2];
                    float[] a = random(r, m * k);
                    float[] b = random(r, n * k);
                    int ldb = transB ? k : n;
                    float[] start = random(r, m * n);
                    PackedB packed = Gemm.packB(transB, k, n, b, 0, ldb);
                    for (Gemm.Path path : paths()) {
                        float[] expected = start.clone();
                        Gemm.sgemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, ldb, beta, expected, 0, n, path);
                        float[] c = start.clone();
                        Gemm.sgemm(m, k, a, 0, k, packed, beta, null, c, 0, n, path, null);
                        assertThat(c).as("%s %d x %d x %d, transB %s, beta %s", path, m, n, k, transB, beta)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void aBiasPerColumnGivesBitwiseTheProductOverPreFilledRows() {
        Random r = new Random(9);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(r, m * k);
            float[] b = random(r, n * k);
            float[] bias = random(r, n);
            PackedB packed = Gemm.packB(true, k, n, b, 0, k);
            float[] filled = new float[m * n];
            for (int i = 0; i < m; i++) {
                System.arraycopy(bias, 0, filled, i * n, n);
            }
            for (Gemm.Path path : paths()) {
                float[] expected = filled.clone();
                Gemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 1f, expected, 0, n, path);
                // whatever C held before is not read
                float[] c = random(r, m * n);
                AtomicIntegerArray reports = new AtomicIntegerArray(m * n);
                Gemm.sgemm(m, k, a, 0, k, packed, 0f, bias, c, 0, n, path, counting(reports, n));
                assertThat(c).as("%s %d x %d x %d", path, m, n, k).isEqualTo(expected);
                assertEachReportedOnce(reports, path + " " + m + " x " + n + " x " + k);
            }
        }
        float[] c = new float[6];
        assertThatThrownBy(() -> Gemm.sgemm(2, 4, new float[8], 0, 4, Gemm.packB(true, 4, 3, new float[12], 0, 4),
                new float[2], c, 0, 3, null)).isInstanceOf(KilnException.class).hasMessageContaining("bias of 2");
    }

    /** Counts, per element of an n-column C, how often a finished block covering it was reported. */
    private static Gemm.BlockDone counting(AtomicIntegerArray reports, int n) {
        return (r0, r1, c0, c1) -> {
            for (int i = r0; i < r1; i++) {
                for (int j = c0; j < c1; j++) {
                    reports.incrementAndGet(i * n + j);
                }
            }
        };
    }

    private static void assertEachReportedOnce(AtomicIntegerArray reports, String product) {
        for (int e = 0; e < reports.length(); e++) {
            assertThat(reports.get(e)).as("%s, element %d", product, e).isEqualTo(1);
        }
    }

    @Test
    void everyBlockOfAPackedProductIsReportedOnce() {
        Random r = new Random(8);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(r, m * k);
            PackedB packed = Gemm.packB(true, k, n, random(r, n * k), 0, k);
            for (Gemm.Path path : paths()) {
                float[] c = new float[m * n];
                AtomicIntegerArray reports = new AtomicIntegerArray(m * n);
                Gemm.sgemm(m, k, a, 0, k, packed, 0f, null, c, 0, n, path, counting(reports, n));
                assertEachReportedOnce(reports, path + " " + m + " x " + n + " x " + k);
            }
        }
    }

    @Test
    void panelsArePackedOnceOnTheVectorPathAndTheScalarPathReadsTheStoredB() {
        PackedB packed = Gemm.packB(true, 784, 256, new float[256 * 784], 0, 784);
        assertThat(packed.k()).isEqualTo(784);
        assertThat(packed.n()).isEqualTo(256);
        // 256 columns are four whole panels on 16 lanes and sixteen on 4: no padding either way
        assertThat(packed.packedFloats()).isEqualTo(VectorSupport.isAvailable() ? 784L * 256 : 0L);
        // a partial last panel is packed only as wide as the narrow block that computes it
        PackedB narrow = Gemm.packB(false, 3, 10, new float[30], 0, 10);
        if (VectorSupport.isAvailable()) {
            assertThat(narrow.packedFloats()).isEqualTo(3L * VectorSupport.floatLanes() * ((10 + VectorSupport
                    .floatLanes() - 1) / VectorSupport.floatLanes()));
        }
        float[] one = new float[1];
        float[] b = {1, 2, 3, 4, 5, 6};
        Gemm.packB(true, 3, 2, b, 0, 3).pack(2, 1, 1, 1, 1, one, 0);
        assertThat(one[0]).as("op(B)(2, 1) of a transposed 2 x 3 B").isEqualTo(6f);
    }

    @Test
    void aPackedProductRejectsAnotherDepthATransposedShapeAndShortOperands() {
        PackedB packed = Gemm.packB(true, 4, 8, new float[32], 0, 4);
        assertThatThrownBy(() -> Gemm.sgemm(2, 5, new float[10], 0, 5, packed, 0f, new float[16], 0, 8, null))
                .isInstanceOf(KilnException.class).hasMessageContaining("packed 4 deep").hasMessageContaining("5 deep");
        assertThatThrownBy(() -> Gemm.sgemm(2, 4, new float[7], 0, 4, packed, 0f, new float[16], 0, 8, null))
                .isInstanceOf(KilnException.class).hasMessageContaining("A of 2 x 4");
        assertThatThrownBy(() -> Gemm.packB(true, 4, 8, new float[31], 0, 4))
                .isInstanceOf(KilnException.class).hasMessageContaining("B of 8 x 4");
        // a tall, narrow C is computed as C^T, which reads A, not B, in panels
        PackedB thin = Gemm.packB(true, 64, 2, new float[128], 0, 64);
        assumeThat(Gemm.packsB(4096, 2)).isFalse();
        assertThatThrownBy(() -> Gemm.sgemm(4096, 64, new float[4096 * 64], 0, 64, thin, 0f, new float[8192], 0, 2,
                null)).isInstanceOf(KilnException.class).hasMessageContaining("computed transposed");
    }

    private static Gemm.Path[] paths() {
        return VectorSupport.isAvailable() ? new Gemm.Path[] {Gemm.Path.SCALAR, Gemm.Path.VECTOR}
                : new Gemm.Path[] {Gemm.Path.SCALAR};
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
