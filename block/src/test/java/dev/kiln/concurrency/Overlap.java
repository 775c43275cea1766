package dev.kiln.concurrency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one body on several threads that all start at the same moment (a {@link CyclicBarrier}), so their calls
 * overlap even on a two-core machine, and rethrows the first failure of any thread (an assertion included).
 */
final class Overlap {
    /** The threads every concurrency test uses, as issue #12 asks. */
    static final int THREADS = 8;

    /** A body run on thread number {@code thread}; {@code start} is the barrier all threads pass together. */
    @FunctionalInterface
    interface Body<T> {
        T run(int thread, CyclicBarrier start) throws Exception;
    }

    private Overlap() {
    }

    /** Runs {@code body} on {@link #THREADS} threads, each awaiting the barrier once first; returns their results. */
    static <T> List<T> run(Body<T> body) throws Exception {
        return run(THREADS, body);
    }

    /** As {@link #run(Body)} on {@code threads} threads. */
    static <T> List<T> run(int threads, Body<T> body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    return body.run(thread, start);
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(f.get(120, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw e.getCause() instanceof Exception ex ? ex : e;
                } catch (TimeoutException e) {
                    throw new AssertionError("a thread did not finish in 120 s (deadlock or livelock?)", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
