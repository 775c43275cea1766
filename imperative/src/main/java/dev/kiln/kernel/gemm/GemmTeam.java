package dev.kiln.kernel.gemm;

import dev.kiln.parallel.Parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Helper threads for splitting one GEMM across cores. A GEMM of a few hundred microseconds cannot afford to wake a
 * parked pool thread (tens of microseconds), so each helper spins for a short while after finishing a part, ready for
 * the next call, and only then parks. One caller uses the team at a time; a concurrent caller, or a caller that is
 * itself a Kiln pool worker, runs its parts inline, which gives the same result because parts never share output.
 */
final class GemmTeam {
    /** How long an idle helper keeps spinning before it parks. */
    private static final long SPIN_NANOS = 200_000L;
    private static final Helper[] HELPERS = startHelpers(Parallel.threads() - 1);
    private static final AtomicBoolean BUSY = new AtomicBoolean();

    private GemmTeam() {
    }

    /** Threads a split GEMM may use: the caller plus the helpers. */
    static int size() {
        return HELPERS.length + 1;
    }

    /** Runs {@code body.accept(part)} for every part in {@code [0, parts)}, the caller taking part 0. */
    static void run(int parts, IntConsumer body) {
        boolean nested = Parallel.chunksFor(Integer.MAX_VALUE, 1) <= 1 || Thread.currentThread() instanceof Helper;
        if (parts <= 1 || nested || !BUSY.compareAndSet(false, true)) {
            for (int p = 0; p < parts; p++) {
                body.accept(p);
            }
            return;
        }
        try {
            int handed = Math.min(parts - 1, HELPERS.length);
            for (int h = 0; h < handed; h++) {
                HELPERS[h].start(body, h + 1);
            }
            body.accept(0);
            for (int p = handed + 1; p < parts; p++) {
                body.accept(p);
            }
            Throwable failure = null;
            for (int h = 0; h < handed; h++) {
                Throwable t = HELPERS[h].await();
                failure = failure == null ? t : failure;
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error er) {
                throw er;
            }
        } finally {
            BUSY.set(false);
        }
    }

    private static Helper[] startHelpers(int n) {
        Helper[] helpers = new Helper[Math.max(0, n)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i);
            helpers[i].start();
        }
        return helpers;
    }

    /** One spinning helper thread with a single-slot mailbox. */
    private static final class Helper extends Thread {
        private volatile IntConsumer job;
        private volatile int part;
        private volatile boolean done = true;
        private volatile boolean parked;
        private volatile Throwable failure;

        Helper(int index) {
            super("kiln-gemm-helper-" + index);
            setDaemon(true);
        }

        void start(IntConsumer body, int p) {
            failure = null;
            part = p;
            done = false;
            job = body;
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        Throwable await() {
            int spins = 0;
            while (!done) {
                if (++spins < 1 << 14) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the helper may have been descheduled on a busy machine
                }
            }
            return failure;
        }

        @Override
        public void run() {
            while (true) {
                IntConsumer j = waitForJob();
                try {
                    j.accept(part);
                } catch (Throwable t) {
                    failure = t;
                }
                job = null;
                done = true;
            }
        }

        private IntConsumer waitForJob() {
            long idleSince = System.nanoTime();
            while (true) {
                IntConsumer j = job;
                if (j != null) {
                    return j;
                }
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (job == null) {
                    LockSupport.park(this);
                }
                parked = false;
                idleSince = System.nanoTime();
            }
        }
    }
}
