package dev.kiln.data;

import dev.kiln.random.Generator;
import dev.kiln.random.Random;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The random source a random augmentation should draw from while a {@link DataLoader} loads a sample. With a seeded
 * loader the stream is a pure function of the seed, the epoch and the sample's position in the epoch, so a random
 * crop or flip comes out the same whichever worker thread loads the sample and however many workers there are;
 * outside a seeded loader it is the thread's own generator. Inside a seeded loader the random ops of
 * {@code dev.kiln.random} (used by the random transforms) draw from a generator keyed the same way.
 */
public final class SampleRandom {
    private static final ThreadLocal<RandomGenerator> CURRENT = new ThreadLocal<>();

    private SampleRandom() {
    }

    /** The generator for the sample being loaded on this thread. */
    public static RandomGenerator current() {
        RandomGenerator g = CURRENT.get();
        return g != null ? g : ThreadLocalRandom.current();
    }

    /** Runs {@code body} with the stream keyed by {@code key} as this thread's current generator. */
    static <T> T with(long key, java.util.function.Supplier<T> body) {
        RandomGenerator previous = CURRENT.get();
        CURRENT.set(new Stream(key));
        try {
            // the random ops (random flips, crops through dev.kiln.random) draw from a stream keyed the same way
            return Random.withGenerator(new Generator(key), body);
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** A counter-based stream: draw {@code k} is {@code Generator.bits(key, k)}. */
    private static final class Stream implements RandomGenerator {
        private final long key;
        private long counter;

        Stream(long key) {
            this.key = key;
        }

        @Override
        public long nextLong() {
            return Generator.bits(key, counter++);
        }
    }
}
