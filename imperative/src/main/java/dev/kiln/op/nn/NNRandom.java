package dev.kiln.op.nn;

import dev.kiln.parallel.Parallel;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

/**
 * The random source of Dropout and rrelu: each op call takes one draw from Kiln's global generator
 * ({@link Random#seed(long)} makes it repeatable), and element {@code i} of the draw is a pure function of the draw's
 * key and {@code i}, so the numbers never depend on the thread count.
 */
final class NNRandom {
    /** Elements per parallel chunk. */
    static final int BLOCK = 8192;

    /** Receives one uniform draw in {@code [0, 1)} for element {@code index}. */
    @FunctionalInterface
    interface UniformSink {
        void accept(int index, double u);
    }

    private NNRandom() {
    }

    /** Draws {@code n} uniforms in {@code [0, 1)}, one per index, in parallel chunks. */
    static void uniform(int n, UniformSink sink) {
        long key = Random.global().nextKey();
        Parallel.forRange(n, BLOCK, (from, to) -> {
            for (int i = from; i < to; i++) {
                sink.accept(i, Generator.unitDouble(Generator.bits(key, i)));
            }
        });
    }
}
