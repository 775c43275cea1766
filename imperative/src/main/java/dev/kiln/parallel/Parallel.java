package dev.kiln.parallel;

import java.lang.System.Logger.Level;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Splits kernel loops across Kiln's worker threads. The thread count comes from the system property
 * {@code kiln.threads}, else the environment variable {@code KILN_NUM_THREADS}, else all cores. Work smaller than
 * the grain, and work started from inside a worker, runs on the calling thread.
 */
public final class Parallel {
    private static final System.Logger LOG = System.getLogger(Parallel.class.getName());
    private static final int THREADS = configuredThreads();
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS - 1, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("kiln-worker-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false) : null;

    /** A loop body over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /** The number of threads kernels use (the caller counts as one). */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in up to {@link #threads()} contiguous chunks of at least {@code grain}
     * iterations each; returns when all are done. Exceptions from any chunk propagate.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        int chunks = chunksFor(n, grain);
        if (chunks <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            tasks[c - 1] = POOL.submit(() -> body.run(from, to));
        }
        body.run(0, (int) ((long) n / chunks));
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }

    /** How many chunks {@link #forRange} would use for {@code n} iterations and this grain. */
    public static int chunksFor(int n, int grain) {
        if (POOL == null || n <= 0 || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL) {
            return 1;
        }
        long byGrain = Math.max(1, n / (long) Math.max(1, grain));
        return (int) Math.min(THREADS, byGrain);
    }

    private static int configuredThreads() {
        String v = System.getProperty("kiln.threads");
        if (v == null || v.isBlank()) {
            v = System.getenv("KILN_NUM_THREADS");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (v == null || v.isBlank()) {
            return cores;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the warning
        }
        LOG.log(Level.WARNING, "ignoring kiln.threads/KILN_NUM_THREADS='" + v + "' (expected a positive integer); "
                + "using " + cores);
        return cores;
    }
}
