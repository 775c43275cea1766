package dev.kiln.ndarray;

import dev.kiln.KilnException;

/**
 * The Java primitive arrays behind each dtype: float32 {@code float[]}, float64 {@code double[]}, float16 and bfloat16
 * {@code short[]} bits, int8/uint8/bool {@code byte[]}, int32 {@code int[]}, int64 {@code long[]}. Element reads and
 * writes through doubles are the generic (slow) path; kernels use the typed arrays directly.
 */
public final class Storage {
    private Storage() {
    }

    /** A zero-filled backing array for {@code n} elements of {@code t}. */
    public static Object allocate(DType t, int n) {
        if (n < 0) {
            throw new KilnException("negative element count " + n);
        }
        return switch (t) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case FLOAT16, BFLOAT16 -> new short[n];
            case INT8, UINT8, BOOL -> new byte[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
        };
    }

    /** Element {@code i} of {@code data} (of dtype {@code t}) as a double. */
    public static double get(DType t, Object data, int i) {
        return switch (t) {
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            case FLOAT16 -> Casting.halfToFloat(((short[]) data)[i]);
            case BFLOAT16 -> Casting.bfloat16ToFloat(((short[]) data)[i]);
            case INT8 -> ((byte[]) data)[i];
            case UINT8 -> ((byte[]) data)[i] & 0xFF;
            case BOOL -> ((byte[]) data)[i] != 0 ? 1 : 0;
            case INT32 -> ((int[]) data)[i];
            case INT64 -> ((long[]) data)[i];
        };
    }

    /** Element {@code i} as a long (exact for every integer dtype; floats truncate as in {@link Casting}). */
    public static long getLong(DType t, Object data, int i) {
        return switch (t) {
            case INT64 -> ((long[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case FLOAT32, FLOAT64, FLOAT16, BFLOAT16 -> Casting.doubleToInt64(get(t, data, i));
            default -> (long) get(t, data, i);
        };
    }

    /** Writes {@code v} into element {@code i}, rounding it to {@code t} by MXNet's casting rules. */
    public static void set(DType t, Object data, int i, double v) {
        switch (t) {
            case FLOAT32 -> ((float[]) data)[i] = (float) v;
            case FLOAT64 -> ((double[]) data)[i] = v;
            case FLOAT16 -> ((short[]) data)[i] = Casting.floatToHalf((float) v);
            case BFLOAT16 -> ((short[]) data)[i] = Casting.floatToBfloat16((float) v);
            case INT8, UINT8 -> ((byte[]) data)[i] = (byte) Casting.doubleToInt32(v);
            case BOOL -> ((byte[]) data)[i] = (byte) (v != 0 ? 1 : 0);
            case INT32 -> ((int[]) data)[i] = Casting.doubleToInt32(v);
            case INT64 -> ((long[]) data)[i] = Casting.doubleToInt64(v);
        }
    }

    /** Writes an exact long into element {@code i} (int64 keeps all 64 bits). */
    public static void setLong(DType t, Object data, int i, long v) {
        switch (t) {
            case INT64 -> ((long[]) data)[i] = v;
            case INT32 -> ((int[]) data)[i] = (int) v;
            case INT8, UINT8 -> ((byte[]) data)[i] = (byte) v;
            default -> set(t, data, i, v);
        }
    }

    /** The number of elements in a backing array. */
    public static int length(Object data) {
        return java.lang.reflect.Array.getLength(data);
    }

    /** Converts a whole backing array from one dtype to another with MXNet's casting rules. */
    public static Object convert(DType from, Object data, DType to) {
        int n = length(data);
        if (from == to) {
            return copyOf(data);
        }
        Object out = allocate(to, n);
        if (from == DType.FLOAT32 && to == DType.FLOAT64) {
            float[] s = (float[]) data;
            double[] d = (double[]) out;
            for (int i = 0; i < n; i++) {
                d[i] = s[i];
            }
        } else if (from == DType.FLOAT64 && to == DType.FLOAT32) {
            double[] s = (double[]) data;
            float[] d = (float[]) out;
            for (int i = 0; i < n; i++) {
                d[i] = (float) s[i];
            }
        } else if (from.isIntegral() && to.isIntegral()) {
            for (int i = 0; i < n; i++) {
                setLong(to, out, i, getLong(from, data, i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                set(to, out, i, get(from, data, i));
            }
        }
        return out;
    }

    /** A copy of a backing array. */
    public static Object copyOf(Object data) {
        return switch (data) {
            case float[] a -> a.clone();
            case double[] a -> a.clone();
            case short[] a -> a.clone();
            case byte[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            default -> throw new KilnException("not a Kiln backing array: " + data.getClass());
        };
    }

    /** The dtype whose backing array class matches {@code data} (short[] is taken as float16). */
    static void checkMatches(DType t, Object data) {
        boolean ok = switch (t) {
            case FLOAT32 -> data instanceof float[];
            case FLOAT64 -> data instanceof double[];
            case FLOAT16, BFLOAT16 -> data instanceof short[];
            case INT8, UINT8, BOOL -> data instanceof byte[];
            case INT32 -> data instanceof int[];
            case INT64 -> data instanceof long[];
        };
        if (!ok) {
            throw new KilnException("backing array " + data.getClass().getSimpleName() + " does not hold " + t);
        }
    }
}
