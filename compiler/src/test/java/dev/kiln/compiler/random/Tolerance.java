package dev.kiln.compiler.random;

import dev.kiln.ndarray.DType;

import java.util.Map;

/**
 * How closely a backend must match the reference interpreter, per backend: exact (bit for bit up to the sign of
 * zero, NaN equal to NaN) where the backend promises it, else within relative and absolute tolerances by dtype.
 * Backends that change float rounding (folding scale chains, reassociating sums) declare theirs in {@link #TABLE};
 * a backend not listed gets {@link #LOOSE}. Integer and bool results are always compared exactly.
 *
 * @param rtol32 relative tolerance for float32
 * @param atol32 absolute tolerance for float32
 * @param rtol64 relative tolerance for float64
 * @param atol64 absolute tolerance for float64
 */
record Tolerance(double rtol32, double atol32, double rtol64, double atol64) {
    /** Bit-identical results. */
    static final Tolerance EXACT = new Tolerance(0, 0, 0, 0);
    /** What a backend that reorders float arithmetic may differ by. */
    static final Tolerance LOOSE = new Tolerance(1e-4, 1e-5, 1e-9, 1e-12);

    /** The tolerance each backend declares; the reference passes and the JIT promise bit-identical results. */
    static final Map<String, Tolerance> TABLE = Map.of(
            "interpreter", EXACT,
            "interpreter-opt", EXACT,
            "jit", EXACT);

    /** The tolerance of the backend called {@code name}. */
    static Tolerance of(String name) {
        return TABLE.getOrDefault(name, LOOSE);
    }

    /** True if {@code actual} is close enough to {@code expected} for a value of this dtype. */
    boolean accepts(DType dtype, double expected, double actual) {
        if (expected == actual || Double.isNaN(expected) && Double.isNaN(actual)) {
            return true;
        }
        if (!dtype.isFloating() || Double.isNaN(expected) || Double.isNaN(actual) || Double.isInfinite(expected)) {
            return false;
        }
        boolean single = dtype != DType.FLOAT64;
        double rtol = single ? rtol32 : rtol64;
        double atol = single ? atol32 : atol64;
        return Math.abs(expected - actual) <= atol + rtol * Math.abs(expected);
    }

    @Override
    public String toString() {
        return this == EXACT || equals(EXACT) ? "exact" : "rtol " + rtol32 + "/" + rtol64 + ", atol " + atol32 + "/"
                + atol64;
    }
}
