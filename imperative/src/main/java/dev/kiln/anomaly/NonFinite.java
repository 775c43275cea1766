package dev.kiln.anomaly;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Storage;

/**
 * The NaN and infinite values of one floating array: {@link #find} scans the backing array by its raw bits (float16
 * and bfloat16 without converting them) and stops at the first; only then are they counted for the report.
 *
 * @param nan    how many are NaN
 * @param posInf how many are {@code +inf}
 * @param negInf how many are {@code -inf}
 * @param first  the flat index of the first one
 * @param size   the array's element count
 */
record NonFinite(int nan, int posInf, int negInf, int first, int size) {
    private static final int HALF_EXPONENT = 0x7C00;
    private static final int BFLOAT16_EXPONENT = 0x7F80;
    private static final int BLOCK = 4096;

    /** The non-finite values of {@code a}, or {@code null} when it has none (always for integer dtypes). */
    static NonFinite find(NDArray a) {
        if (a == null || !a.dtype().isFloating()) {
            return null;
        }
        int first = firstIndex(a.dtype(), a.data());
        return first < 0 ? null : count(a, first);
    }

    /**
     * The first non-finite element's index, or -1. Each block is first tested with a branch-free OR over the
     * elements' exponent bits (all ones plus one carries into the sign bit), which the JIT vectorises; only a block
     * that has one is searched element by element.
     */
    private static int firstIndex(DType t, Object data) {
        int n = Storage.length(data);
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            if (blockHasNonFinite(t, data, from, to)) {
                for (int i = from; i < to; i++) {
                    if (blockHasNonFinite(t, data, i, i + 1)) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean blockHasNonFinite(DType t, Object data, int from, int to) {
        return switch (t) {
            case FLOAT32 -> anyFloat((float[]) data, from, to);
            case FLOAT64 -> anyDouble((double[]) data, from, to);
            case FLOAT16 -> anyHalf((short[]) data, from, to, HALF_EXPONENT, 0x0400);
            case BFLOAT16 -> anyHalf((short[]) data, from, to, BFLOAT16_EXPONENT, 0x0080);
            default -> false;
        };
    }

    private static boolean anyFloat(float[] d, int from, int to) {
        int acc = 0;
        for (int i = from; i < to; i++) {
            acc |= (Float.floatToRawIntBits(d[i]) & 0x7F800000) + 0x00800000;
        }
        return acc < 0;
    }

    private static boolean anyDouble(double[] d, int from, int to) {
        long acc = 0;
        for (int i = from; i < to; i++) {
            acc |= (Double.doubleToRawLongBits(d[i]) & 0x7FF0000000000000L) + 0x0010000000000000L;
        }
        return acc < 0;
    }

    /** Half-width floats: exponent bits {@code mask}, whose lowest bit is {@code one}; a carry reaches bit 15. */
    private static boolean anyHalf(short[] d, int from, int to, int mask, int one) {
        int acc = 0;
        for (int i = from; i < to; i++) {
            acc |= (d[i] & mask) + one;
        }
        return (acc & 0x8000) != 0;
    }

    private static NonFinite count(NDArray a, int first) {
        int nan = 0;
        int pos = 0;
        int neg = 0;
        Object data = a.data();
        for (int i = first; i < a.size(); i++) {
            double v = Storage.get(a.dtype(), data, i);
            if (Double.isNaN(v)) {
                nan++;
            } else if (v == Double.POSITIVE_INFINITY) {
                pos++;
            } else if (v == Double.NEGATIVE_INFINITY) {
                neg++;
            }
        }
        return new NonFinite(nan, pos, neg, first, a.size());
    }

    /** The kinds present, for a message's headline: {@code NaN}, {@code +inf and -inf}, .... */
    String kinds() {
        StringBuilder b = new StringBuilder();
        append(b, nan > 0, "NaN");
        append(b, posInf > 0, "+inf");
        append(b, negInf > 0, "-inf");
        return b.toString();
    }

    private static void append(StringBuilder b, boolean present, String kind) {
        if (present) {
            b.append(b.isEmpty() ? "" : " and ").append(kind);
        }
    }

    /** {@code 1 NaN, 0 +inf, 2 -inf of 6 values, the first at flat index 3}. */
    @Override
    public String toString() {
        return nan + " NaN, " + posInf + " +inf, " + negInf + " -inf of " + size + " values, the first at flat index "
                + first;
    }
}
