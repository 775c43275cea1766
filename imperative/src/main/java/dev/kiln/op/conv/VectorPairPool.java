package dev.kiln.op.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 max pooling and its gradient on the Vector API for one row pair of 2x2 windows with stride 2 (window
 * {@code k} reads columns {@code 2k, 2k + 1} of the top row, then of the bottom row), with the same results bit for
 * bit as the scalar loops of {@link FastPoolKernels}. Lanes are windows: the forward splits the data columns into
 * even and odd lanes and keeps, in window order, each element strictly greater than the running maximum (so NaN
 * never wins and ties keep the first, whatever their sign); the gradient compares the data with the pooled maxima
 * repeated per column pair and adds each output gradient at the first equal element of its window. Only loaded
 * when the Vector API is available ({@link dev.kiln.kernel.simd.VectorSupport#isAvailable()}).
 */
final class VectorPairPool {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane indices into the concatenation of two data vectors: the window's left and right columns. */
    private static final FloatVector LEFT = laneIndices(2, 0), RIGHT = laneIndices(2, 1);
    /** Lane indices that repeat each of the first {@code L / 2} lanes twice (one per column of a window). */
    private static final FloatVector TWICE = laneIndices(0.5f, 0);
    /** Mask bits of the lanes holding a window's left column. */
    private static final long LEFT_BITS = 0x5555_5555_5555_5555L;
    private static final VectorMask<Float> HALF = S.indexInRange(0, L / 2);

    private VectorPairPool() {
    }

    private static FloatVector laneIndices(float scale, int first) {
        float[] idx = new float[L];
        for (int j = 0; j < L; j++) {
            idx[j] = (float) Math.floor(j * scale) + first;
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /**
     * {@code y[o + k]} for the first windows {@code k < n}: the max of window {@code k} over the rows starting at
     * {@code a} (top) and {@code b} (bottom), starting from {@code lowest}. Stops before a vector that would reach
     * past the end of {@code x} or {@code y}; returns how many windows it pooled, the rest being the caller's.
     */
    static int maxRows(float[] x, int a, int b, float[] y, int o, int n, float lowest) {
        FloatVector low = FloatVector.broadcast(S, lowest);
        int k = 0;
        for (; k < n && b + 2 * k + 2 * L <= x.length && o + k + L <= y.length; k += L) {
            int c = 2 * k;
            FloatVector t0, t1, b0, b1;
            if (k + L <= n) {
                t0 = FloatVector.fromArray(S, x, a + c);
                t1 = FloatVector.fromArray(S, x, a + c + L);
                b0 = FloatVector.fromArray(S, x, b + c);
                b1 = FloatVector.fromArray(S, x, b + c + L);
                windowMax(low, t0, t1, b0, b1).intoArray(y, o + k);
            } else {
                int cols = 2 * (n - k);
                VectorMask<Float> m0 = S.indexInRange(0, cols), m1 = S.indexInRange(L, cols);
                t0 = FloatVector.fromArray(S, x, a + c, m0);
                t1 = FloatVector.fromArray(S, x, a + c + L, m1);
                b0 = FloatVector.fromArray(S, x, b + c, m0);
                b1 = FloatVector.fromArray(S, x, b + c + L, m1);
                windowMax(low, t0, t1, b0, b1).intoArray(y, o + k, S.indexInRange(0, n - k));
            }
        }
        return Math.min(k, n);
    }

    /** The running first-strictly-greater maximum of each lane's window: top left, top right, bottom left, right. */
    private static FloatVector windowMax(FloatVector low, FloatVector t0, FloatVector t1, FloatVector b0,
                                         FloatVector b1) {
        FloatVector m = low;
        m = greater(m, LEFT.selectFrom(t0, t1));
        m = greater(m, RIGHT.selectFrom(t0, t1));
        m = greater(m, LEFT.selectFrom(b0, b1));
        return greater(m, RIGHT.selectFrom(b0, b1));
    }

    private static FloatVector greater(FloatVector m, FloatVector v) {
        return m.blend(v, v.compare(VectorOperators.GT, m));
    }

    /**
     * For the first windows {@code k < n}, adds {@code dy[o + k]} into {@code dx} at the first element of window
     * {@code k} (rows starting at {@code a} and {@code b}) equal to the pooled maximum {@code y[o + k]}; windows
     * with no equal element (a NaN or all-padding maximum) add nothing. Stops before a vector that would reach past
     * the end of an array; returns how many windows it did, the rest being the caller's.
     */
    static int firstMaxRows(float[] dy, float[] x, float[] y, float[] dx, int a, int b, int o, int n) {
        int cols = 2 * n;
        int c = 0;
        for (; c < cols && b + c + L <= x.length && o + c / 2 + L <= y.length; c += L) {
            int at = o + c / 2;
            VectorMask<Float> data = S.indexInRange(c, cols);
            VectorMask<Float> half = c + L <= cols ? HALF : S.indexInRange(0, (cols - c) / 2);
            FloatVector out = TWICE.selectFrom(FloatVector.fromArray(S, y, at, half));
            long top = FloatVector.fromArray(S, x, a + c, data).compare(VectorOperators.EQ, out, data).toLong();
            long bottom = FloatVector.fromArray(S, x, b + c, data).compare(VectorOperators.EQ, out, data).toLong();
            long topLeft = top & LEFT_BITS;
            long topAny = (topLeft | (top >>> 1)) & LEFT_BITS;
            long takenByTop = topAny | topAny << 1;
            long bottomLeft = bottom & LEFT_BITS & ~topAny;
            long topFirst = topLeft | (top & ~LEFT_BITS & ~(topLeft << 1));
            long bottomFirst = bottomLeft | (bottom & ~LEFT_BITS & ~takenByTop & ~((bottom & LEFT_BITS) << 1));
            FloatVector g = TWICE.selectFrom(FloatVector.fromArray(S, dy, at, half));
            addMasked(dx, a + c, g, VectorMask.fromLong(S, topFirst), data);
            addMasked(dx, b + c, g, VectorMask.fromLong(S, bottomFirst), data);
        }
        return Math.min(c, cols) / 2;
    }

    private static void addMasked(float[] dx, int i, FloatVector g, VectorMask<Float> add, VectorMask<Float> data) {
        if (add.anyTrue()) {
            FloatVector.fromArray(S, dx, i, data).add(g, add).intoArray(dx, i, data);
        }
    }
}
