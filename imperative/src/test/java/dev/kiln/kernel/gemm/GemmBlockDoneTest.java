package dev.kiln.kernel.gemm;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

class GemmBlockDoneTest {
    /** Shapes that run on one thread, split by rows, split by columns and computed transposed. */
    private static final int[][] SHAPES = {{3, 5, 4}, {64, 256, 784}, {8, 256, 784}, {256, 8, 784}, {7, 1, 3},
        {300, 300, 20}, {5, 3, 0}};

    @Test
    void everyElementOfCIsReportedOnceWithItsFinalValue() {
        Random r = new Random(1);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(r, m * Math.max(1, k));
            float[] b = random(r, n * Math.max(1, k));
            float[] expected = new float[m * n];
            Gemm.sgemm(false, true, m, n, k, 1f, a, 0, Math.max(1, k), b, 0, Math.max(1, k), 0f, expected, 0, n);
            float[] c = new float[m * n];
            float[] seen = new float[m * n];
            AtomicIntegerArray reports = new AtomicIntegerArray(m * n);
            Gemm.sgemm(false, true, m, n, k, 1f, a, 0, Math.max(1, k), b, 0, Math.max(1, k), 0f, c, 0, n,
                    (r0, r1, c0, c1) -> {
                        for (int i = r0; i < r1; i++) {
                            for (int j = c0; j < c1; j++) {
                                reports.incrementAndGet(i * n + j);
                                seen[i * n + j] = c[i * n + j];
                            }
                        }
                    });
            for (int e = 0; e < m * n; e++) {
                assertThat(reports.get(e)).as("reports of element %d of %d x %d x %d", e, m, n, k).isEqualTo(1);
            }
            assertThat(seen).as("values when reported, %d x %d x %d", m, n, k).isEqualTo(expected);
            assertThat(c).isEqualTo(expected);

            double[] ad = widen(a);
            double[] bd = widen(b);
            double[] cd = new double[m * n];
            double[] seenD = new double[m * n];
            double[] expectedD = new double[m * n];
            Gemm.dgemm(false, true, m, n, k, 1.0, ad, 0, Math.max(1, k), bd, 0, Math.max(1, k), 0.0, expectedD, 0, n);
            Gemm.dgemm(false, true, m, n, k, 1.0, ad, 0, Math.max(1, k), bd, 0, Math.max(1, k), 0.0, cd, 0, n,
                    (r0, r1, c0, c1) -> {
                        for (int i = r0; i < r1; i++) {
                            System.arraycopy(cd, i * n + c0, seenD, i * n + c0, c1 - c0);
                        }
                    });
            assertThat(seenD).as("double, %d x %d x %d", m, n, k).isEqualTo(expectedD);
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() - 0.5f;
        }
        return v;
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
