package dev.kiln.ndarray;

/**
 * Conversions between element types with MXNet's (C++ {@code static_cast} on x86-64) rounding rules:
 * float to integer truncates toward zero, NaN and out-of-range values become the integer minimum before
 * narrowing to 8 bits (so {@code -1.0f} cast to uint8 is 255), float16 and bfloat16 round to nearest even,
 * and bool is {@code value != 0}.
 */
public final class Casting {
    private Casting() {
    }

    /** float32 to IEEE half bits, round to nearest even (as mshadow's {@code half_t}). */
    public static short floatToHalf(float f) {
        return Float.floatToFloat16(f);
    }

    /** IEEE half bits to float32 (exact). */
    public static float halfToFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** float32 to bfloat16 bits, round to nearest even; NaN stays a quiet NaN. */
    public static short floatToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        bits += 0x7FFF + lsb;
        return (short) (bits >>> 16);
    }

    /** bfloat16 bits to float32 (exact). */
    public static float bfloat16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** x86-64 {@code cvttsd2si} to 32 bits: truncation, with NaN and out-of-range values giving {@code INT_MIN}. */
    public static int doubleToInt32(double v) {
        if (Double.isNaN(v) || v >= 2147483648.0 || v <= -2147483649.0) {
            return Integer.MIN_VALUE;
        }
        return (int) v;
    }

    /** x86-64 {@code cvttsd2si} to 64 bits: truncation, with NaN and out-of-range values giving {@code LONG_MIN}. */
    public static long doubleToInt64(double v) {
        if (Double.isNaN(v) || v >= 9.223372036854775807E18 || v < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) v;
    }

    /** Rounds a double to the value the given dtype stores, returned as a double (used by generic kernels). */
    public static double roundTo(DType t, double v) {
        return switch (t) {
            case FLOAT64 -> v;
            case FLOAT32 -> (float) v;
            case FLOAT16 -> halfToFloat(floatToHalf((float) v));
            case BFLOAT16 -> bfloat16ToFloat(floatToBfloat16((float) v));
            case INT32 -> doubleToInt32(v);
            case INT64 -> doubleToInt64(v);
            case INT8 -> (byte) doubleToInt32(v);
            case UINT8 -> doubleToInt32(v) & 0xFF;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }
}
