package dev.kiln.random;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Storage;
import dev.kiln.parallel.Parallel;

/**
 * The deterministic sampling kernels: each fills elements {@code [from, to)} of a backing array from a draw's key,
 * element {@code i} depending only on {@code (key, i)}, so any split of the range gives the same array.
 */
public final class Sampling {
    private static final int GRAIN = 1 << 14;

    private Sampling() {
    }

    /** Uniform values in {@code [low, high)}, rounded to {@code t}, for elements {@code [from, to)}. */
    public static void uniform(long key, double low, double high, DType t, Object data, int from, int to) {
        double width = high - low;
        switch (data) {
            case float[] a -> {
                for (int i = from; i < to; i++) {
                    float v = (float) (low + width * Generator.unitDouble(Generator.bits(key, i)));
                    a[i] = v >= high && high > low ? Math.nextDown((float) high) : v;
                }
            }
            case double[] a -> {
                for (int i = from; i < to; i++) {
                    double v = low + width * Generator.unitDouble(Generator.bits(key, i));
                    a[i] = v >= high && high > low ? Math.nextDown(high) : v;
                }
            }
            default -> {
                for (int i = from; i < to; i++) {
                    Storage.set(t, data, i, low + width * Generator.unitDouble(Generator.bits(key, i)));
                }
            }
        }
    }

    /** Normal values with mean {@code loc} and standard deviation {@code scale} (Box-Muller per element). */
    public static void normal(long key, double loc, double scale, DType t, Object data, int from, int to) {
        for (int i = from; i < to; i++) {
            double u1 = ((Generator.bits(key, 2L * i) >>> 11) + 1) * 0x1.0p-53; // (0, 1]
            double u2 = Generator.unitDouble(Generator.bits(key, 2L * i + 1));
            double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            double v = loc + scale * z;
            switch (data) {
                case float[] a -> a[i] = (float) v;
                case double[] a -> a[i] = v;
                default -> Storage.set(t, data, i, v);
            }
        }
    }

    /** Integers in {@code [low, high)} ({@code high > low}) for elements {@code [from, to)}. */
    public static void randint(long key, long low, long high, DType t, Object data, int from, int to) {
        long range = high - low; // unsigned
        for (int i = from; i < to; i++) {
            Storage.setLong(t, data, i, low + Generator.below(Generator.bits(key, i), range));
        }
    }

    /** A body filling {@code [from, to)}; the whole-array helpers below split it with {@link Parallel}. */
    @FunctionalInterface
    public interface Fill {
        void run(int from, int to);
    }

    /** Runs {@code fill} over {@code [0, n)} on Kiln's worker threads. */
    static void parallel(int n, Fill fill) {
        Parallel.forRange(n, GRAIN, fill::run);
    }
}
