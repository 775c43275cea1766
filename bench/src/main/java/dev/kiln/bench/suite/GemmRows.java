package dev.kiln.bench.suite;

import dev.kiln.bench.GemmSquareBench;
import dev.kiln.kernel.gemm.Gemm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The GEMM rows of the bench: {@code Gemm.sgemm} at two square sizes and the MLP and ResNet shapes of
 * docs/BENCHMARKS.md, at the suite's thread count, against the FMA peak measured in the same process.
 */
final class GemmRows {
    /** m, n, k, and 1 where B is transposed (FullyConnected's {@code data * weight^T}). */
    private static final int[][] SHAPES = {{256, 256, 256, 0}, {1024, 1024, 1024, 0}, {64, 128, 784, 1},
            {64, 3136, 576, 0}};

    private GemmRows() {
    }

    static List<GemmRow> measure(int threads, Timer timer) {
        double peak = FmaPeak.gflops(threads, 10);
        List<GemmRow> rows = new ArrayList<>();
        Random rnd = new Random(7);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            boolean tb = s[3] == 1;
            float[] a = GemmSquareBench.random(rnd, m * k);
            float[] b = GemmSquareBench.random(rnd, k * n);
            float[] c = new float[m * n];
            double ms = timer.medianMillis(() -> Gemm.sgemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, 0f, c,
                    0, n));
            rows.add(new GemmRow(m, n, k, tb, threads, 2.0 * m * n * k / (ms * 1e6), peak));
        }
        return rows;
    }
}
