package dev.kiln.parallel;

import java.lang.System.Logger.Level;
import java.util.function.IntConsumer;

/**
 * Splits kernel loops across Kiln's worker threads ({@link WorkerTeam}: the caller and spinning helpers, one team for
 * loops and GEMMs alike). The thread count comes from the system property {@code kiln.threads}, else the environment
 * variable {@code KILN_NUM_THREADS}, else all cores. Work smaller than the grain, and work started from inside a
 * part of a parallel loop, runs on the calling thread.
 */
public final class Parallel {
    private static final System.Logger LOG = System.getLogger(Parallel.class.getName());
    private static final int THREADS = configuredThreads();
    private static final WorkerTeam TEAM = new WorkerTeam(THREADS);

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
        TEAM.run(chunks, true, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    /**
     * Runs {@code body.accept(part)} for every part in {@code [0, parts)} on the team and returns when all are done;
     * the first failure propagates. Parked helpers are woken only when {@code wake} (a job long enough to pay for
     * it); helpers still spinning from a recent job take part either way. Inside a part of another job, the parts run
     * in turn on the calling thread.
     */
    public static void forParts(int parts, boolean wake, IntConsumer body) {
        TEAM.run(parts, wake, body);
    }

    /** How many chunks {@link #forRange} would use for {@code n} iterations and this grain. */
    public static int chunksFor(int n, int grain) {
        if (THREADS == 1 || n <= 0 || WorkerTeam.insideJob()) {
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
