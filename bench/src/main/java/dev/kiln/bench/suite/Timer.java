package dev.kiln.bench.suite;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Times a body the same way for every column: warm-up runs (at least {@code warmupRuns} and {@code warmupSeconds}),
 * then, for up to {@code settleSeconds} more, blocks of runs until two blocks in a row fail to beat the best block's
 * median by 3% while the JIT compiler stays nearly idle (so that code still being compiled is not timed), then timed
 * runs (at least {@code minRuns} and {@code measureSeconds}, at most {@code maxRuns}), reporting the median in
 * milliseconds. One run is one call of the body (a forward, or a forward and backward).
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
    /**
     * A block in which the JIT compilers worked for more than this fraction of its time does not count towards
     * {@link #SETTLE_PATIENCE}: on two cores a busy compiler thread takes one of them, and a hybridized MLP training
     * step sat at 0.4-0.5 ms for seconds, blocks up and down by a fifth, while C2 worked through its code (0.19 ms
     * once it was done).
     */
    static final double COMPILER_BUSY = 0.2;
    /**
     * A round of timed runs in which the JIT compilers worked for more than this fraction of its time is run again
     * (at most {@link #ROUNDS} times in one measurement): once-per-step code of a large graph can reach C2 ten seconds
     * into a loop, and on two cores the compiler thread takes one of them from whichever body is being timed.
     */
    static final double ROUND_COMPILER_BUSY = 0.05;
    /**
     * Pause between two libraries' turns, in milliseconds ({@code -Dkiln.bench.quietMillis}, default 100; 0 turns it
     * off). In one JVM in three the norm block's hybridized step was timed at 0.23 ms instead of 0.02 when its turn
     * came right after MXNet's.
     */
    static final long QUIET_MILLIS = Long.getLong("kiln.bench.quietMillis", 100);
    /** Milliseconds the JIT compilers have worked so far, or -1 where the JVM does not tell. */
    private static final LongSupplier COMPILATION_MILLIS = compilationMillis();

    /** A timer that does not settle beyond its fixed warm-up. */
    public Timer(int warmupRuns, double warmupSeconds, int minRuns, int maxRuns, double measureSeconds) {
        this(warmupRuns, warmupSeconds, minRuns, maxRuns, measureSeconds, 0.0);
    }

    /**
     * The default budget: about 1 s of warm-up and up to 8 s more while a column still speeds up or the JIT still
     * compiles (a hybridized MLP training step takes 4 to 6 s of compilation to reach its steady time), then 2 s of
     * measurement per column, 10 to 200 runs.
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

    /** The fixed warm-up, then settling blocks while the body still gets faster or the JIT is still compiling. */
    private void warmUp(Runnable body) {
        warmUp(body, COMPILATION_MILLIS);
    }

    /** {@link #warmUp(Runnable)} reading the compilers' working time from {@code compilationMillis}. */
    void warmUp(Runnable body, LongSupplier compilationMillis) {
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
            long compiled = compilationMillis.getAsLong();
            long blockStart = System.nanoTime();
            double m = blockMedian(body);
            double blockMillis = (System.nanoTime() - blockStart) / 1e6;
            boolean compiling = compiled >= 0
                    && compilationMillis.getAsLong() - compiled > COMPILER_BUSY * blockMillis;
            if (m < best * STILL_IMPROVING) {
                best = m;
                stale = 0;
            } else if (compiling) {
                stale = 0;
            } else {
                stale++;
            }
        }
    }

    private static LongSupplier compilationMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return () -> -1;
        }
        return jit::getTotalCompilationTime;
    }

    /**
     * The median of the last (up to 1024) runs of a block that lasts {@link #SETTLE_BLOCK_SECONDS} whatever the
     * body's speed, so that the compilers' working time is compared over the same span for every column.
     */
    private static double blockMedian(Runnable body) {
        double[] ms = new double[1024];
        int n = 0;
        long start = System.nanoTime();
        while (n < SETTLE_BLOCK_RUNS || seconds(start) < SETTLE_BLOCK_SECONDS) {
            long t = System.nanoTime();
            body.run();
            ms[n++ % ms.length] = (System.nanoTime() - t) / 1e6;
        }
        return median(Arrays.copyOf(ms, Math.min(n, ms.length)));
    }

    /**
     * The median time of one run of each body, in milliseconds, with the bodies' timed runs interleaved: each is
     * warmed up (and settled) as {@link #medianMillis} does, then the measurement time is cut into {@link #ROUNDS}
     * rounds in which every body runs in turn for its share. The machine's speed drifts (other tenants, clocks);
     * interleaving puts every body under the same drift, so ratios of the medians hold even when the medians move.
     */
    public double[] interleavedMedians(List<Runnable> bodies) {
        return interleavedMedians(bodies, new int[bodies.size()]);
    }

    /**
     * {@link #interleavedMedians(List)} for bodies run by different libraries ({@code library[b]} names body b's):
     * before a body's warm-up or timed share that follows another library's, the timer sleeps {@link #QUIET_MILLIS},
     * so that the other library's idle threads (OpenMP workers spin for milliseconds after a parallel region, OpenBLAS
     * workers yield for up to about 0.1 s) have gone to sleep and do not take a core from the body being timed.
     */
    public double[] interleavedMedians(List<Runnable> bodies, int[] library) {
        return interleaved(bodies, library).medians();
    }

    /**
     * What {@link #interleaved} measured: each body's median in milliseconds, how many rounds were run again because
     * the JIT compilers were busy in them, and the compilers' working time within the rounds kept (-1 where the JVM
     * does not tell).
     */
    public record Interleaved(double[] medians, int repeatedRounds, long keptCompilationMillis) {
    }

    /**
     * {@link #interleavedMedians(List, int[])}, also saying how the JIT compilers interfered: a round in which they
     * worked for more than {@link #ROUND_COMPILER_BUSY} of its time is dropped, for every body alike, and run again.
     */
    public Interleaved interleaved(List<Runnable> bodies, int[] library) {
        return interleaved(bodies, library, COMPILATION_MILLIS);
    }

    /** {@link #interleaved(List, int[])} reading the compilers' working time from {@code compilationMillis}. */
    Interleaved interleaved(List<Runnable> bodies, int[] library, LongSupplier compilationMillis) {
        int[] last = {-1};
        IntConsumer enter = b -> {
            if (last[0] >= 0 && library[b] != last[0]) {
                quiet();
            }
            last[0] = library[b];
        };
        for (int b = 0; b < bodies.size(); b++) {
            enter.accept(b);
            warmUp(bodies.get(b), compilationMillis);
        }
        int n = bodies.size();
        int rounds = Math.min(ROUNDS, minRuns);
        int minPerRound = Math.ceilDiv(minRuns, rounds);
        int maxPerRound = Math.max(minPerRound, maxRuns / rounds);
        double slice = measureSeconds / rounds;
        double[][] ms = new double[n][rounds * maxPerRound];
        int[] count = new int[n];
        int repeated = 0;
        long keptCompilation = 0;
        for (int r = 0; r < rounds; r++) {
            int[] roundStart = count.clone();
            long compiledBefore = compilationMillis.getAsLong();
            long roundStartNanos = System.nanoTime();
            for (int b = 0; b < n; b++) {
                Runnable body = bodies.get(b);
                enter.accept(b);
                long start = System.nanoTime();
                for (int i = 0; i < maxPerRound && (i < minPerRound || seconds(start) < slice); i++) {
                    long t = System.nanoTime();
                    body.run();
                    ms[b][count[b]++] = (System.nanoTime() - t) / 1e6;
                }
            }
            long compiled = compiledBefore < 0 ? -1 : compilationMillis.getAsLong() - compiledBefore;
            double roundMillis = (System.nanoTime() - roundStartNanos) / 1e6;
            if (compiled > ROUND_COMPILER_BUSY * roundMillis && repeated < ROUNDS) {
                repeated++;
                System.arraycopy(roundStart, 0, count, 0, n);
                r--;
            } else if (keptCompilation >= 0) {
                keptCompilation = compiled < 0 ? -1 : keptCompilation + compiled;
            }
        }
        double[] medians = new double[n];
        for (int b = 0; b < n; b++) {
            medians[b] = median(Arrays.copyOf(ms[b], count[b]));
        }
        return new Interleaved(medians, repeated, keptCompilation);
    }

    private static void quiet() {
        if (QUIET_MILLIS <= 0) {
            return;
        }
        try {
            Thread.sleep(QUIET_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
