package dev.kiln.compiler.jit;

/**
 * Strict comparisons ({@code >}, {@code <}) giving 1 or 0 without a branch, for generated kernels: a data-dependent
 * branch per element (the ReLU mask of a backward pass is true about half the time) mispredicts and keeps HotSpot
 * from vectorising the loop, while these integer forms vectorise. They rest on IEEE subtraction: with subnormals,
 * {@code a - b} is positive exactly when {@code a > b}, and NaN (from a NaN operand or equal infinities) is not.
 */
final class BranchFreeCompare {
    private static final int FLOAT_INFINITY = 0x7f800000;
    private static final long DOUBLE_INFINITY = 0x7ff0000000000000L;

    private BranchFreeCompare() {
    }

    /** 1 when {@code a > b}, else 0 (NaN compares false). */
    static float greater(float a, float b) {
        return positive(a - b);
    }

    /** 1 when {@code a < b}, else 0 (NaN compares false). */
    static float lesser(float a, float b) {
        return positive(b - a);
    }

    /** 1 when {@code a > b}, else 0 (NaN compares false). */
    static double greater(double a, double b) {
        return positive(a - b);
    }

    /** 1 when {@code a < b}, else 0 (NaN compares false). */
    static double lesser(double a, double b) {
        return positive(b - a);
    }

    /** 1 when {@code d} is above zero (its bits lie in {@code (0, +infinity]}), else 0. */
    private static float positive(float d) {
        int bits = Float.floatToRawIntBits(d);
        int mask = (-bits >> 31) & ~((FLOAT_INFINITY - bits) >> 31);
        return Float.intBitsToFloat(mask & Float.floatToRawIntBits(1f));
    }

    private static double positive(double d) {
        long bits = Double.doubleToRawLongBits(d);
        long mask = (-bits >> 63) & ~((DOUBLE_INFINITY - bits) >> 63);
        return Double.longBitsToDouble(mask & Double.doubleToRawLongBits(1.0));
    }
}
