package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Yields {@code 0 .. length - 1} in a random order without replacement, a fresh permutation on every pass, as
 * Gluon's {@code RandomSampler}. The permutation of pass {@code e} is a pure function of the seed and {@code e}, so
 * two samplers with the same seed replay the same sequence of epochs.
 */
public final class RandomSampler implements Sampler<Integer> {
    private final int length;
    private final long seed;
    private final AtomicLong epoch = new AtomicLong();

    /** A sampler seeded from Kiln's global generator (so {@code Random.seed(s)} makes it reproducible). */
    public RandomSampler(int length) {
        this(length, Random.global().nextKey());
    }

    /** A sampler whose passes are determined by {@code seed}. */
    public RandomSampler(int length, long seed) {
        if (length < 0) {
            throw new KilnException("RandomSampler: length must not be negative, got " + length);
        }
        this.length = length;
        this.seed = seed;
    }

    /** The seed the permutations derive from. */
    public long seed() {
        return seed;
    }

    @Override
    public int size() {
        return length;
    }

    /** The next pass is the permutation of pass {@code epoch}. */
    @Override
    public void setEpoch(long epoch) {
        this.epoch.set(epoch);
    }

    @Override
    public Iterator<Integer> iterator() {
        return IntStream.of(permutation(epoch.getAndIncrement())).iterator();
    }

    /** The Fisher-Yates permutation of pass {@code pass}. */
    int[] permutation(long pass) {
        int[] order = new int[length];
        for (int i = 0; i < length; i++) {
            order[i] = i;
        }
        long key = Generator.keyOf(seed, pass);
        for (int i = length - 1; i > 0; i--) {
            int j = (int) Generator.below(Generator.bits(key, i), i + 1L);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
