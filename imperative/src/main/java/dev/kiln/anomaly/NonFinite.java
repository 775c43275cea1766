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

    /** The non-finite values of {@code a}, or {@code null} when it has none (always for integer dtypes). */
    static NonFinite find(NDArray a) {
        if (a == null || !a.dtype().isFloating()) {
            return null;
        }
        int first = firstIndex(a.dtype(), a.data());
        return first < 0 ? null : count(a, first);
    }

    private static int firstIndex(DType t, Object data) {
        switch (t) {
            case FLOAT32 -> {
                float[] d = (float[]) data;
                for (int i = 0; i < d.length; i++) {
                    if (!Float.isFinite(d[i])) {
                        return i;
                    }
                }
            }
            case FLOAT64 -> {
                double[] d = (double[]) data;
                for (int i = 0; i < d.length; i++) {
                    if (!Double.isFinite(d[i])) {
                        return i;
                    }
                }
            }
            case FLOAT16, BFLOAT16 -> {
                short[] d = (short[]) data;
                int mask = t == DType.FLOAT16 ? HALF_EXPONENT : BFLOAT16_EXPONENT;
                for (int i = 0; i < d.length; i++) {
                    if ((d[i] & mask) == mask) {
                        return i;
                    }
                }
            }
            default -> {
                return -1;
            }
        }
        return -1;
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
