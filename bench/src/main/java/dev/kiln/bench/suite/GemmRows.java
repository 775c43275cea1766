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

    /**
     * The GEMM rows against the better of two peak measurements, one before and one after them: a measurement
     * during which the host lent the process only one of its cores (one run of stop 37 measured 116.5 GFLOP/s on
     * two cores, putting three GEMMs above 100% of it) is then replaced by the other, seconds apart.
     */
    static List<GemmRow> measure(int threads, Timer timer) {
        double before = FmaPeak.gflops(threads, 10);
        // the vector kernel takes over once C2 has compiled it: under --quick's 0.1 s of warm-up the rows timed the
        // scalar path (2-20% of the peak), so each row warms up for at least a second whatever the timer
        Timer warm = timer.warmupSeconds() >= 1.0 ? timer : new Timer(timer.warmupRuns(), 1.0, timer.minRuns(),
                timer.maxRuns(), timer.measureSeconds(), timer.settleSeconds());
        double[] gflops = new double[SHAPES.length];
        Random rnd = new Random(7);
        for (int row = 0; row < SHAPES.length; row++) {
            int[] s = SHAPES[row];
            int m = s[0];
            int n = s[1];
            int k = s[2];
            boolean tb = s[3] == 1;
            float[] a = GemmSquareBench.random(rnd, m * k);
            float[] b = GemmSquareBench.random(rnd, k * n);
            float[] c = new float[m * n];
            double ms = warm.medianMillis(() -> Gemm.sgemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, 0f, c,
                    0, n));
            gflops[row] = 2.0 * m * n * k / (ms * 1e6);
        }
        double peak = Math.max(before, FmaPeak.gflops(threads, 10));
        List<GemmRow> rows = new ArrayList<>();
        for (int row = 0; row < SHAPES.length; row++) {
            int[] s = SHAPES[row];
            rows.add(new GemmRow(s[0], s[1], s[2], s[3] == 1, threads, gflops[row], peak));
        }
        return rows;
    }
}
