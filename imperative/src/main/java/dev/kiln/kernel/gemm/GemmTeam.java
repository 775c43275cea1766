package dev.kiln.kernel.gemm;

import dev.kiln.parallel.Parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Helper threads for splitting one GEMM across cores. A GEMM of a few hundred microseconds cannot afford to wake a
 * parked pool thread (tens of microseconds), so each helper spins for a short while after its last job, ready for
 * the next call, and only then parks. Parts are claimed, not assigned: the caller works through every part no helper
 * has started, so a helper that is late (descheduled on a busy machine, or busy with another caller's job) delays
 * nothing. Parts never share output, so who computes which part does not change the result.
 */
final class GemmTeam {
    /** How long an idle helper keeps spinning before it parks. */
    private static final long SPIN_NANOS = 200_000L;
    private static final Helper[] HELPERS = startHelpers(Parallel.threads() - 1);

    private GemmTeam() {
    }

    /** Threads a split GEMM may use: the caller plus the helpers. */
    static int size() {
        return HELPERS.length + 1;
    }

    /**
     * Runs {@code body.accept(part)} for every part in {@code [0, parts)} and returns when all are done. Parked helpers
     * are woken only for {@code large} jobs: for a small one the wake-up call costs more than a helper would save,
     * so only helpers still spinning from a recent job take part.
     */
    static void run(int parts, boolean large, IntConsumer body) {
        boolean nested = Parallel.chunksFor(Integer.MAX_VALUE, 1) <= 1 || Thread.currentThread() instanceof Helper;
        if (parts <= 1 || nested || HELPERS.length == 0) {
            for (int p = 0; p < parts; p++) {
                body.accept(p);
            }
            return;
        }
        Job job = new Job(parts, body);
        for (int h = 0; h < Math.min(parts - 1, HELPERS.length); h++) {
            HELPERS[h].post(job, large);
        }
        job.work();
        job.awaitAll();
    }

    private static Helper[] startHelpers(int n) {
        Helper[] helpers = new Helper[Math.max(0, n)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i);
            helpers[i].start();
        }
        return helpers;
    }

    /** One split GEMM: parts to claim, a count of finished parts, and the first failure. */
    private static final class Job {
        private final int parts;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int parts, IntConsumer body) {
            this.parts = parts;
            this.body = body;
        }

        /** Claims and runs parts until none is left. */
        void work() {
            for (int p = next.getAndIncrement(); p < parts; p = next.getAndIncrement()) {
                try {
                    body.accept(p);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        /** Waits for parts still running on helpers, then rethrows the first failure. */
        void awaitAll() {
            int spins = 0;
            while (finished.get() < parts) {
                if (++spins < 1 << 12) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // a helper holding a part may need this core to finish it
                }
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error er) {
                throw er;
            }
        }
    }

    /** One spinning helper thread with a single-slot mailbox; a newer job replaces one not yet picked up. */
    private static final class Helper extends Thread {
        private final AtomicReference<Job> mailbox = new AtomicReference<>();
        private volatile boolean parked;

        Helper(int index) {
            super("kiln-gemm-helper-" + index);
            setDaemon(true);
        }

        void post(Job job, boolean wake) {
            mailbox.set(job);
            if (wake && parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Job job = mailbox.getAndSet(null);
                if (job != null) {
                    job.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (mailbox.get() == null) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
