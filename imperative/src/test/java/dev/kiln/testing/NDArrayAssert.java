package dev.kiln.testing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.assertj.core.api.AbstractAssert;

import java.util.Arrays;

/**
 * AssertJ assertions for {@link NDArray}: {@code assertThat(x).hasShape(2, 3).isCloseTo(expected, 1e-5, 1e-6)}.
 * Closeness is NumPy's {@code |actual - expected| <= atol + rtol * |expected|}, NaN equal to NaN; a failure names the
 * worst element, its index and both values.
 */
public final class NDArrayAssert extends AbstractAssert<NDArrayAssert, NDArray> {

    private NDArrayAssert(NDArray actual) {
        super(actual, NDArrayAssert.class);
    }

    /** Entry point; import statically alongside AssertJ's {@code assertThat}. */
    public static NDArrayAssert assertThat(NDArray actual) {
        return new NDArrayAssert(actual);
    }

    public NDArrayAssert hasShape(int... dims) {
        return hasShape(Shape.of(dims));
    }

    public NDArrayAssert hasShape(Shape shape) {
        isNotNull();
        if (!actual.shape().equals(shape)) {
            failWithMessage("expected shape %s but was %s", shape, actual.shape());
        }
        return this;
    }

    public NDArrayAssert hasDType(DType dtype) {
        isNotNull();
        if (actual.dtype() != dtype) {
            failWithMessage("expected dtype %s but was %s (shape %s)", dtype, actual.dtype(), actual.shape());
        }
        return this;
    }

    /** Same shape and every element close to {@code expected}'s. */
    public NDArrayAssert isCloseTo(NDArray expected, double rtol, double atol) {
        isNotNull();
        if (!actual.shape().equals(expected.shape())) {
            failWithMessage("expected shape %s but was %s", expected.shape(), actual.shape());
        }
        return isCloseTo(expected.toDoubleArray(), rtol, atol);
    }

    /** Every element close to the row-major {@code expected} values. */
    public NDArrayAssert isCloseTo(double[] expected, double rtol, double atol) {
        isNotNull();
        double[] a = actual.toDoubleArray();
        if (a.length != expected.length) {
            failWithMessage("expected %d elements but array of shape %s has %d", expected.length, actual.shape(),
                    a.length);
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < a.length; i++) {
            double e = expected[i];
            double v = a[i];
            if (Double.isNaN(e) && Double.isNaN(v)) {
                continue;
            }
            if (e == v) {
                continue;
            }
            double excess = Math.abs(v - e) - (atol + rtol * Math.abs(e));
            if (Double.isNaN(excess)) {
                excess = Double.POSITIVE_INFINITY;
            }
            if (excess > 0 && (worst < 0 || excess > worstExcess)) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            failWithMessage("arrays of shape %s differ beyond rtol=%s, atol=%s; worst element at index %s: actual %s, "
                            + "expected %s (|diff| = %s)", actual.shape(), rtol, atol,
                    Arrays.toString(actual.shape().unravel(worst)), a[worst], expected[worst],
                    Math.abs(a[worst] - expected[worst]));
        }
        return this;
    }

    /** Every element close to the given float values. */
    public NDArrayAssert isCloseTo(float[] expected, double rtol, double atol) {
        double[] d = new double[expected.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = expected[i];
        }
        return isCloseTo(d, rtol, atol);
    }

    /** Exactly equal values (NaN equal to NaN), shape and dtype. */
    public NDArrayAssert isEqualTo(NDArray expected) {
        hasShape(expected.shape());
        hasDType(expected.dtype());
        return isCloseTo(expected.toDoubleArray(), 0, 0);
    }

}
