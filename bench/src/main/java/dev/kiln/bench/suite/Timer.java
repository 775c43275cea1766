package dev.kiln.bench.suite;

import java.util.Arrays;
import java.util.List;

/**
 * Times a body the same way for every column: warm-up runs (at least {@code warmupRuns} and {@code warmupSeconds}),
 * then, for up to {@code settleSeconds} more, blocks of runs until two blocks in a row fail to beat the best block's
 * median by 3% (so that a JIT that is still compiling is not timed), then timed runs (at least {@code minRuns} and
 * {@code measureSeconds}, at most {@code maxRuns}), reporting the median in milliseconds. One run is one call of the
 * body (a forward, or a forward and backward).
 */
public record Timer(int warmupRuns, double warmupSeconds, int minRuns, int maxRuns, double measureSeconds,
                    double settleSeconds) {
    /** How many turns {@link #interleavedMedians} gives each body (fewer when {@code minRuns} is smaller). */
    static final int ROUNDS = 10;
    /** Length of one settling block, and the fewest runs in it. */
    private static final double SETTLE_BLOCK_SECONDS = 0.25;
    private static final int SETTLE_BLOCK_RUNS = 3;
    /** Settling goes on while a block's median is below this fraction of the best block's before it. */
    private static final double STILL_IMPROVING = 0.97;
    /**
     * Settling ends after this many blocks in a row that were not faster: compilation comes in steps (one method,
     * then its callers), and a block between two steps may not gain.
     */
    private static final int SETTLE_PATIENCE = 2;

    /** A timer that does not settle beyond its fixed warm-up. */
    public Timer(int warmupRuns, double warmupSeconds, int minRuns, int maxRuns, double measureSeconds) {
        this(warmupRuns, warmupSeconds, minRuns, maxRuns, measureSeconds, 0.0);
    }

    /**
     * The default budget: about 1 s of warm-up and up to 8 s more while a column still speeds up (a hybridized MLP
     * training step takes about 4 s of compilation to reach its steady time), then 2 s of measurement per column,
     * 10 to 200 runs.
     */
    public static Timer standard() {
        return new Timer(3, 1.0, 10, 200, 2.0, 8.0);
    }

    /** {@code --quick}: at least 3 warm-up runs and 0.1 s, then the median of 5 to 30 runs within about 0.2 s. */
    public static Timer quick() {
        return new Timer(3, 0.1, 5, 30, 0.2);
    }

    /** The self-test's budget: one warm-up run and one timed run. */
    public static Timer once() {
        return new Timer(1, 0.0, 1, 1, 0.0);
    }

    /** The median time of one run of {@code body}, in milliseconds. */
    public double medianMillis(Runnable body) {
        warmUp(body);
        double[] ms = new double[maxRuns];
        int n = 0;
        long start = System.nanoTime();
        while (n < maxRuns && (n < minRuns || seconds(start) < measureSeconds)) {
            long t = System.nanoTime();
            body.run();
            ms[n++] = (System.nanoTime() - t) / 1e6;
        }
        return median(Arrays.copyOf(ms, n));
    }

    /** The fixed warm-up, then settling blocks while the body still gets faster. */
    private void warmUp(Runnable body) {
        long start = System.nanoTime();
        for (int i = 0; i < warmupRuns || seconds(start) < warmupSeconds; i++) {
            body.run();
        }
        if (settleSeconds <= 0) {
            return;
        }
        start = System.nanoTime();
        double best = blockMedian(body);
        int stale = 0;
        while (stale < SETTLE_PATIENCE && seconds(start) < settleSeconds) {
            double m = blockMedian(body);
            if (m < best * STILL_IMPROVING) {
                best = m;
                stale = 0;
            } else {
                stale++;
            }
        }
    }

    private static double blockMedian(Runnable body) {
        double[] ms = new double[64];
        int n = 0;
        long start = System.nanoTime();
        while (n < ms.length && (n < SETTLE_BLOCK_RUNS || seconds(start) < SETTLE_BLOCK_SECONDS)) {
            long t = System.nanoTime();
            body.run();
            ms[n++] = (System.nanoTime() - t) / 1e6;
        }
        return median(Arrays.copyOf(ms, n));
    }

    /**
     * The median time of one run of each body, in milliseconds, with the bodies' timed runs interleaved: each is
     * warmed up (and settled) as {@link #medianMillis} does, then the measurement time is cut into {@link #ROUNDS}
     * rounds in which every body runs in turn for its share. The machine's speed drifts (other tenants, clocks);
     * interleaving puts every body under the same drift, so ratios of the medians hold even when the medians move.
     */
    public double[] interleavedMedians(List<Runnable> bodies) {
        for (Runnable body : bodies) {
            warmUp(body);
        }
        int n = bodies.size();
        int rounds = Math.min(ROUNDS, minRuns);
        int minPerRound = Math.ceilDiv(minRuns, rounds);
        int maxPerRound = Math.max(minPerRound, maxRuns / rounds);
        double slice = measureSeconds / rounds;
        double[][] ms = new double[n][rounds * maxPerRound];
        int[] count = new int[n];
        for (int r = 0; r < rounds; r++) {
            for (int b = 0; b < n; b++) {
                Runnable body = bodies.get(b);
                long start = System.nanoTime();
                for (int i = 0; i < maxPerRound && (i < minPerRound || seconds(start) < slice); i++) {
                    long t = System.nanoTime();
                    body.run();
                    ms[b][count[b]++] = (System.nanoTime() - t) / 1e6;
                }
            }
        }
        double[] medians = new double[n];
        for (int b = 0; b < n; b++) {
            medians[b] = median(Arrays.copyOf(ms[b], count[b]));
        }
        return medians;
    }

    private static double median(double[] runs) {
        Arrays.sort(runs);
        int n = runs.length;
        return n % 2 == 1 ? runs[n / 2] : (runs[n / 2 - 1] + runs[n / 2]) / 2;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
