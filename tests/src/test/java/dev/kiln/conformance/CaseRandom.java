package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The random source a case table draws shapes, attribute values, dtypes and input values from. Seeded per table entry,
 * so the generated cases are the same on every run and adding an entry leaves the others unchanged.
 */
final class CaseRandom {
    private final SplittableRandom rnd;

    CaseRandom(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** Uniform integer in {@code [lo, hi]}. */
    int intIn(int lo, int hi) {
        return lo + rnd.nextInt(hi - lo + 1);
    }

    double uniform(double lo, double hi) {
        return lo + (hi - lo) * rnd.nextDouble();
    }

    boolean bool() {
        return rnd.nextBoolean();
    }

    @SafeVarargs
    final <T> T pick(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    <T> T pick(List<T> options) {
        return options.get(rnd.nextInt(options.size()));
    }

    /** A shape of rank {@code [minRank, maxRank]} with every dim in {@code [minDim, maxDim]}. */
    Shape shape(int minRank, int maxRank, int minDim, int maxDim) {
        int[] dims = new int[intIn(minRank, maxRank)];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = intIn(minDim, maxDim);
        }
        return Shape.of(dims);
    }

    /** A shape of rank 1 to 4 with dims 1 to 5: the default for elementwise ops. */
    Shape shape() {
        return shape(1, 4, 1, 5);
    }

    /**
     * A shape that broadcasts with {@code s} in MXNet's legacy (same-rank) sense: each dim is kept or set to 1, and
     * sometimes {@code s}'s own dims are the ones set to 1 (returned as a pair {@code [a, b]}).
     */
    Shape[] broadcastPair(Shape s) {
        int[] a = s.dims();
        int[] b = s.dims();
        for (int i = 0; i < a.length; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> b[i] = 1;
                case 1 -> a[i] = 1;
                default -> { }
            }
        }
        return new Shape[] {Shape.of(a), Shape.of(b)};
    }

    /** An axis of a rank-{@code rank} array, negative half the time. */
    int axis(int rank) {
        int a = rnd.nextInt(rank);
        return bool() ? a - rank : a;
    }

    /** A non-empty set of distinct axes in increasing order (non-negative). */
    int[] axes(int rank) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            all.add(i);
        }
        Collections.shuffle(all, new Random(rnd.nextLong()));
        List<Integer> chosen = new ArrayList<>(all.subList(0, intIn(1, rank)));
        Collections.sort(chosen);
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A random permutation of {@code 0 .. n-1}. */
    int[] permutation(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        Collections.shuffle(all, new Random(rnd.nextLong()));
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Values uniform in {@code [lo, hi)} (floats) or integers in {@code [lo, hi]}, rounded to {@code t}. */
    NDArray array(Shape s, DType t, double lo, double hi) {
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            if (t == DType.BOOL) {
                v[i] = rnd.nextBoolean() ? 1 : 0;
            } else if (t.isIntegral()) {
                v[i] = Math.floor(lo) + rnd.nextInt((int) (Math.floor(hi) - Math.floor(lo)) + 1);
            } else {
                v[i] = uniform(lo, hi);
            }
        }
        return NDArray.of(s, t, v);
    }

    /** float32 values in {@code [-2, 2)}. */
    NDArray floats(Shape s) {
        return array(s, DType.FLOAT32, -2, 2);
    }

    /** Values of dtype {@code t} in {@code [-2, 2)}, integers in {@code [-5, 5]} (uint8 and bool non-negative). */
    NDArray values(Shape s, DType t) {
        if (t == DType.UINT8) {
            return array(s, t, 0, 9);
        }
        return t.isFloating() ? array(s, t, -2, 2) : array(s, t, -5, 5);
    }

    /** Integer-valued indices in {@code [0, bound)} stored as dtype {@code t}. */
    NDArray indices(Shape s, int bound, DType t) {
        return array(s, t, 0, bound - 1);
    }

    /** float32 values in {@code [lo, hi)} whose distance from every integer multiple of 0.5 is at least 0.01. */
    NDArray awayFromHalves(Shape s, double lo, double hi) {
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            double x;
            do {
                x = uniform(lo, hi);
            } while (Math.abs(x * 2 - Math.rint(x * 2)) < 0.02);
            v[i] = x;
        }
        return NDArray.of(s, DType.FLOAT32, v);
    }
}
