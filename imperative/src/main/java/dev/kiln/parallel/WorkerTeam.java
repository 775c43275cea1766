package dev.kiln.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Kiln's worker threads: the caller plus {@code threads - 1} helpers, shared by every parallel loop and every split
 * GEMM, so that Kiln never runs more threads than it was given (a separate pool beside the GEMM's helpers put three
 * busy threads on two cores). A kernel of a few hundred microseconds cannot afford to wake a parked thread (tens of
 * microseconds), so each helper spins for a short while after its last job, ready for the next, and only then
 * parks. Spinning threads, helpers and a waiting caller alike, yield their core every few spins: the scheduler
 * sometimes wakes a helper onto the caller's core and leaves it there, and a helper that only spun there kept the
 * caller from running (a hybridized MLP training step at batch 8 took 0.5 ms instead of 0.19); where Kiln may call
 * native code, a helper that picks up a job on its caller's CPU moves off it ({@link CpuPlacement}). Parts are
 * claimed, not assigned: the caller works through every part no helper has started, so a helper that is late
 * (descheduled, or busy with another caller's job) delays nothing. Work started inside a part runs on that part's
 * thread.
 */
final class WorkerTeam {
    /** How long an idle helper keeps spinning before it parks. */
    private static final long SPIN_NANOS = 200_000L;
    /** A spinning thread yields its core every this many spins (a power of two), in case the other thread needs it. */
    private static final int YIELD_EVERY = 16;
    /** How many jobs the current (non-helper) thread is inside: work it starts there runs inline. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final Helper[] helpers;

    /** A team of {@code threads} threads: the caller of each job and {@code threads - 1} started helpers. */
    WorkerTeam(int threads) {
        helpers = new Helper[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i);
            helpers[i].start();
        }
    }

    /** Whether the current thread runs a part of a job (a helper, or a caller inside {@link #run}). */
    static boolean insideJob() {
        return Thread.currentThread() instanceof Helper || DEPTH.get()[0] > 0;
    }

    /**
     * Runs {@code body.accept(part)} for every part in {@code [0, parts)} and returns when all are done, rethrowing
     * the first failure. Parked helpers are woken only when {@code wake}: for a small job the wake-up costs more than
     * a helper would save, so only helpers still spinning from a recent job take part.
     */
    void run(int parts, boolean wake, IntConsumer body) {
        if (parts <= 1 || helpers.length == 0 || insideJob()) {
            for (int p = 0; p < parts; p++) {
                body.accept(p);
            }
            return;
        }
        Job job = new Job(parts, body);
        for (int h = 0; h < Math.min(parts - 1, helpers.length); h++) {
            helpers[h].post(job, wake);
        }
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            job.work();
        } finally {
            depth[0]--;
        }
        job.awaitAll();
    }

    /** One job: parts to claim, a count of finished parts, and the first failure. */
    private static final class Job {
        private final int parts;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** The CPU the caller ran on when it posted the job, or -1 where placement is not available. */
        private final int callerCpu = CpuPlacement.currentCpu();

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
                if ((++spins & (YIELD_EVERY - 1)) == 0) {
                    Thread.yield(); // a helper holding a part may need this core to finish it
                } else {
                    Thread.onSpinWait();
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
            super("kiln-worker-" + index);
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
            CpuPlacement.Mover mover = new CpuPlacement.Mover();
            long idleSince = System.nanoTime();
            int spins = 0;
            while (true) {
                Job job = mailbox.getAndSet(null);
                if (job != null) {
                    if (job.callerCpu >= 0 && CpuPlacement.currentCpu() == job.callerCpu) {
                        mover.avoid(job.callerCpu); // sharing the caller's core would halve the job's speed
                    }
                    job.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    if ((++spins & (YIELD_EVERY - 1)) == 0) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
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
