package dev.kiln.random;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter-based random generator: every draw (one op call, one array) takes a fresh stream number, and element
 * {@code i} of that draw is a pure function of {@code (seed, stream, i)} (a SplitMix64 hash). Values therefore do not
 * depend on how a kernel splits its loop across threads, and the same seed replays the same sequence of draws.
 * A generator is safe to share between threads; draws from several threads at once get distinct streams in
 * whichever order they arrive.
 */
public final class Generator {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final AtomicLong stream = new AtomicLong();

    /** A generator whose draws are determined by {@code seed}. */
    public Generator(long seed) {
        this.seed = seed;
    }

    /** The seed this generator started from. */
    public long seed() {
        return seed;
    }

    /** How many draws this generator has made. */
    public long draws() {
        return stream.get();
    }

    /** The key of the next draw; each call returns a different one. */
    public long nextKey() {
        return keyOf(seed, stream.getAndIncrement());
    }

    /** The key of draw number {@code stream} of a generator seeded with {@code seed}. */
    public static long keyOf(long seed, long stream) {
        return mix(seed ^ mix(stream * GOLDEN + 0x632BE59BD9B4E019L));
    }

    /** 64 random bits for element {@code index} of the draw with key {@code key}. */
    public static long bits(long key, long index) {
        return mix(key + (index + 1) * GOLDEN);
    }

    /** A uniform double in {@code [0, 1)} with 53 random bits. */
    public static double unitDouble(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** A uniform float in {@code [0, 1)} with 24 random bits. */
    public static float unitFloat(long bits) {
        return (bits >>> 40) * 0x1.0p-24f;
    }

    /** A uniform long in {@code [0, bound)} for an unsigned {@code bound > 0} (bias below {@code bound / 2^64}). */
    public static long below(long bits, long bound) {
        return Math.unsignedMultiplyHigh(bits, bound);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
