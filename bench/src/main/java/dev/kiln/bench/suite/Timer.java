package dev.kiln.bench.suite;

import java.util.Arrays;
import java.util.List;

/**
 * Times a body the same way for every column: warm-up runs (at least {@code warmupRuns} and {@code warmupSeconds}),
 * then timed runs (at least {@code minRuns} and {@code measureSeconds}, at most {@code maxRuns}), reporting the
 * median in milliseconds. One run is one call of the body (a forward, or a forward and backward).
 */
public record Timer(int warmupRuns, double warmupSeconds, int minRuns, int maxRuns, double measureSeconds) {
    /** How many turns {@link #interleavedMedians} gives each body (fewer when {@code minRuns} is smaller). */
    static final int ROUNDS = 10;

    /** The default budget: about 1 s of warm-up and 2 s of measurement per column, 10 to 200 runs. */
    public static Timer standard() {
        return new Timer(3, 1.0, 10, 200, 2.0);
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
        long start = System.nanoTime();
        for (int i = 0; i < warmupRuns || seconds(start) < warmupSeconds; i++) {
            body.run();
        }
        double[] ms = new double[maxRuns];
        int n = 0;
        start = System.nanoTime();
        while (n < maxRuns && (n < minRuns || seconds(start) < measureSeconds)) {
            long t = System.nanoTime();
            body.run();
            ms[n++] = (System.nanoTime() - t) / 1e6;
        }
        return median(Arrays.copyOf(ms, n));
    }

    /**
     * The median time of one run of each body, in milliseconds, with the bodies' timed runs interleaved: each is
     * warmed up as {@link #medianMillis} does, then the measurement time is cut into {@link #ROUNDS} rounds in which
     * every body runs in turn for its share. The machine's speed drifts (other tenants, clocks); interleaving puts
     * every body under the same drift, so ratios of the medians hold even when the medians themselves move.
     */
    public double[] interleavedMedians(List<Runnable> bodies) {
        for (Runnable body : bodies) {
            long start = System.nanoTime();
            for (int i = 0; i < warmupRuns || seconds(start) < warmupSeconds; i++) {
                body.run();
            }
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
