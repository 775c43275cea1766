package dev.kiln.cli.demo;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

/**
 * How closely two models' predictions for the same batch of class scores {@code (batch, classes)} agree: the
 * largest absolute difference of a score, and for how many samples both pick the same class.
 */
record Agreement(double maxAbsDifference, int sameClass, int samples) {

    /** Compares {@code actual} with {@code expected}; both must have the same {@code (batch, classes)} shape. */
    static Agreement of(NDArray expected, NDArray actual) {
        if (expected.rank() != 2 || !expected.shape().equals(actual.shape())) {
            throw new KilnException("cannot compare predictions of shapes " + expected.shape() + " and "
                    + actual.shape() + ": expected two equal (batch, classes) shapes");
        }
        int n = expected.shape().get(0);
        int classes = expected.shape().get(1);
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double max = 0;
        int same = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                double d = Math.abs((double) e[i * classes + c] - a[i * classes + c]);
                max = Math.max(max, d);   // NaN once any score is NaN, and NaN is never within a tolerance
            }
            same += argmax(e, i * classes, classes) == argmax(a, i * classes, classes) ? 1 : 0;
        }
        return new Agreement(max, same, n);
    }

    /** Whether every score is within {@code tolerance} and every sample gets the same class. */
    boolean within(double tolerance) {
        return maxAbsDifference <= tolerance && sameClass == samples;
    }

    /** Throws, naming {@code what} and the differences, unless {@link #within(double)} holds. */
    Agreement require(double tolerance, String what) {
        if (!within(tolerance)) {
            throw new KilnException(String.format(java.util.Locale.ROOT,
                    "%s disagree: largest score difference %.3g (tolerance %.1g), same class for %d of %d samples",
                    what, maxAbsDifference, tolerance, sameClass, samples));
        }
        return this;
    }

    private static int argmax(float[] v, int from, int length) {
        int best = 0;
        for (int c = 1; c < length; c++) {
            if (v[from + c] > v[from + best]) {
                best = c;
            }
        }
        return best;
    }
}
