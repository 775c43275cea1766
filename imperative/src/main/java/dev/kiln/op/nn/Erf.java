package dev.kiln.op.nn;

/**
 * The error function in double precision (Java's Math has none), for GELU. Below 2.5 it sums the power series
 * {@code erf(x) = 2/sqrt(pi) * exp(-x^2) * sum (2x^2)^n x / (1*3*...*(2n+1))}, whose terms are all positive; from
 * 2.5 it evaluates the continued fraction of {@code erfc}; from 6 on, {@code erf(x)} is 1 in double precision.
 * Absolute error stays near 1e-15.
 */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

    private Erf() {
    }

    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            double x2 = ax * ax;
            double term = ax;
            double sum = ax;
            for (int n = 1; term > 1e-17 * sum; n++) {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
            }
            r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
        } else if (ax >= 6) {
            r = 1;
        } else if (ax >= 2.5) {
            double f = ax;
            for (int k = 60; k >= 1; k--) {
                f = ax + (k * 0.5) / f;
            }
            r = 1 - Math.exp(-ax * ax) * ONE_OVER_SQRT_PI / f;
        } else {
            return Double.NaN;
        }
        return x < 0 ? -r : r;
    }
}
