package dev.kiln.conformance;

import dev.kiln.ndarray.DType;

/**
 * How close Kiln's values must be to MXNet's: {@code |kiln - mxnet| <= atol + rtol * |mxnet|}, NaN equal to NaN and
 * infinities equal only to themselves. Integer and bool outputs are always compared exactly.
 */
record Tolerance(double rtol, double atol) {
    /** float32: MXNet builds with and without oneDNN already differ by about 1e-6. */
    static final Tolerance FLOAT32 = new Tolerance(1e-5, 1e-5);
    /**
     * float64: summation order, libm's last bit, and MXNet's float32 constants inside float64 kernels (BatchNorm's
     * {@code eps}) move results by up to about 1e-11 of the inputs' magnitude.
     */
    static final Tolerance FLOAT64 = new Tolerance(1e-10, 1e-10);
    /** float16 keeps 11 significant bits: one unit in the last place is about 1e-3 relative. */
    static final Tolerance FLOAT16 = new Tolerance(2e-3, 1e-3);
    /** bfloat16 keeps 8 significant bits. */
    static final Tolerance BFLOAT16 = new Tolerance(1.6e-2, 1e-2);
    static final Tolerance EXACT = new Tolerance(0, 0);

    /** The default for an output of dtype {@code t}. */
    static Tolerance of(DType t) {
        return switch (t) {
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
            case FLOAT16 -> FLOAT16;
            case BFLOAT16 -> BFLOAT16;
            default -> EXACT;
        };
    }

    /** This tolerance widened by {@code factor}, for a case whose math amplifies rounding (long sums, gamma). */
    Tolerance times(double factor) {
        return new Tolerance(rtol * factor, atol * factor);
    }

    @Override
    public String toString() {
        return "rtol=" + rtol + ", atol=" + atol;
    }
}
