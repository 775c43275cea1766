package dev.kiln.op.nn;

import dev.kiln.parallel.Parallel;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The random source of Dropout and rrelu: each op call gets its own {@link SplittableRandom} seeded from one
 * process-wide counter, and draws in fixed blocks with seeds taken in order from that generator, so the numbers
 * depend on the seed and the call order but never on the thread count. Kept in this one class so the family can
 * switch to Kiln's global generator without touching the ops.
 */
final class NNRandom {
    /** Elements drawn from one block generator. */
    static final int BLOCK = 8192;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final AtomicLong NEXT_SEED = new AtomicLong(0x2545F4914F6CDD1DL);

    /** Receives one uniform draw in {@code [0, 1)} for element {@code index}. */
    @FunctionalInterface
    interface UniformSink {
        void accept(int index, double u);
    }

    private NNRandom() {
    }

    /** Restarts the sequence of per-call generators from {@code seed} (tests use it for repeatable draws). */
    static void seed(long seed) {
        NEXT_SEED.set(seed);
    }

    /** Draws {@code n} uniforms in {@code [0, 1)}, one per index, in parallel blocks. */
    static void uniform(int n, UniformSink sink) {
        SplittableRandom call = new SplittableRandom(NEXT_SEED.getAndAdd(GOLDEN_GAMMA));
        int blocks = (int) ((n + (long) BLOCK - 1) / BLOCK);
        long[] seeds = new long[blocks];
        for (int b = 0; b < blocks; b++) {
            seeds[b] = call.nextLong();
        }
        Parallel.forRange(blocks, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                SplittableRandom r = new SplittableRandom(seeds[b]);
                int end = Math.min(n, (b + 1) * BLOCK);
                for (int i = b * BLOCK; i < end; i++) {
                    sink.accept(i, r.nextDouble());
                }
            }
        });
    }
}
