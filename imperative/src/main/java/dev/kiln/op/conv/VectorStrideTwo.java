package dev.kiln.op.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every second element of a row, a vector at a time, for the im2col and col2im of stride-2 layers, whose scalar
 * strided loops HotSpot does not vectorise: two loads and one two-vector lane selection (the even lanes of their
 * concatenation) per vector copied, and for sums the values spread to even lanes and stored under an even-lane mask.
 * Each element gets the scalar loop's operation, so results are bitwise the same. Only loaded when the Vector API is
 * available.
 */
final class VectorStrideTwo {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane indices 0, 2, 4, ... into two vectors laid end to end. */
    private static final FloatVector EVEN = even();
    /** Lane indices spreading the first (and the second) half of a vector to the even lanes. */
    private static final VectorShuffle<Float> SPREAD_LOW = spread(0);
    private static final VectorShuffle<Float> SPREAD_HIGH = spread(L / 2);
    private static final VectorMask<Float> EVEN_LANES = evenLanes();
    /** Lane indices into two vectors laid end to end that interleave their first (and second) halves. */
    private static final FloatVector ZIP_LOW = zip(0);
    private static final FloatVector ZIP_HIGH = zip(L / 2);

    private VectorStrideTwo() {
    }

    private static FloatVector even() {
        float[] lanes = new float[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = 2 * i;
        }
        return FloatVector.fromArray(S, lanes, 0);
    }

    private static FloatVector zip(int from) {
        float[] lanes = new float[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = from + i / 2 + (i % 2) * L;
        }
        return FloatVector.fromArray(S, lanes, 0);
    }

    private static VectorShuffle<Float> spread(int from) {
        int[] lanes = new int[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = from + i / 2;
        }
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    private static VectorMask<Float> evenLanes() {
        boolean[] lanes = new boolean[L];
        for (int i = 0; i < L; i += 2) {
            lanes[i] = true;
        }
        return VectorMask.fromArray(S, lanes, 0);
    }

    /**
     * {@code y[dst + 2 * g] += col[src + g]} for whole vectors of {@code g} from {@code from} while they end by
     * {@code to} and their loads stay inside {@code y}; returns the first {@code g} not summed. Odd elements of
     * {@code y} are read but never written.
     */
    static int addInto(float[] col, int src, float[] y, int dst, int from, int to) {
        int g = from;
        for (; g + L <= to && dst + 2 * (g + L) <= y.length; g += L) {
            FloatVector c = FloatVector.fromArray(S, col, src + g);
            int at = dst + 2 * g;
            FloatVector.fromArray(S, y, at).add(c.rearrange(SPREAD_LOW)).intoArray(y, at, EVEN_LANES);
            FloatVector.fromArray(S, y, at + L).add(c.rearrange(SPREAD_HIGH)).intoArray(y, at + L, EVEN_LANES);
        }
        return g;
    }

    /**
     * {@code col[dst + g] = x[src + 2 * g]} for {@code g} from {@code from} to {@code to}, a vector at a time (the
     * last one masked) while its loads stay inside {@code x}; returns the first {@code g} not copied.
     */
    static int copy(float[] x, int src, float[] col, int dst, int from, int to) {
        int g = from;
        for (; g + L <= to && src + 2 * (g + L) <= x.length; g += L) {
            FloatVector a = FloatVector.fromArray(S, x, src + 2 * g);
            FloatVector b = FloatVector.fromArray(S, x, src + 2 * g + L);
            EVEN.selectFrom(a, b).intoArray(col, dst + g);
        }
        if (g < to && src + 2 * (g + L) <= x.length) {
            // a part of a vector (runs that start or end in the padding: 15 of a 16-wide grid row) is stored under
            // a mask rather than copied element by element
            FloatVector a = FloatVector.fromArray(S, x, src + 2 * g);
            FloatVector b = FloatVector.fromArray(S, x, src + 2 * g + L);
            EVEN.selectFrom(a, b).intoArray(col, dst + g, S.indexInRange(0, to - g));
            g = to;
        }
        return g;
    }

    /**
     * {@code y[dst + 2 g] = (col[a + g] + 0) + bias} and {@code y[dst + 2 g + 1] = (col[b + g] + 0) + bias} for
     * {@code g} from 0 while a whole vector, or a last half vector, of both rows lies inside {@code col} and before
     * {@code n}; returns the first {@code g} not written. The two rows interleave into one output row (the taps of a
     * 2-wide stride-2 transposed convolution that tiles its output).
     */
    static int interleave(float[] col, int a, int b, float bias, float[] y, int dst, int n) {
        int g = 0;
        for (; g + L <= n && Math.max(a, b) + g + L <= col.length; g += L) {
            FloatVector u = FloatVector.fromArray(S, col, a + g).add(0f).add(bias);
            FloatVector v = FloatVector.fromArray(S, col, b + g).add(0f).add(bias);
            ZIP_LOW.selectFrom(u, v).intoArray(y, dst + 2 * g);
            ZIP_HIGH.selectFrom(u, v).intoArray(y, dst + 2 * g + L);
        }
        if (g + L / 2 <= n && Math.max(a, b) + g + L <= col.length) {
            FloatVector u = FloatVector.fromArray(S, col, a + g).add(0f).add(bias);
            FloatVector v = FloatVector.fromArray(S, col, b + g).add(0f).add(bias);
            ZIP_LOW.selectFrom(u, v).intoArray(y, dst + 2 * g);
            g += L / 2;
        }
        return g;
    }
}
