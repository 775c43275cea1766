package dev.kiln.op.elementwise;

/**
 * Special functions Java's {@link Math} lacks, in float64: the error function and its inverse, the gamma function and
 * its logarithm with the derivatives digamma and trigamma, and the inverse hyperbolic functions. The ops {@code erf},
 * {@code erfinv}, {@code gamma}, {@code gammaln}, {@code arcsinh}, {@code arccosh} and {@code arctanh} use them, and
 * the gradients of gamma and gammaln; other families (GELU) may too.
 */
public final class SpecialFunctions {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;   // 2 / sqrt(pi)
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;   // 1 / sqrt(pi)
    private static final double HALF_LOG_TWO_PI = 0.9189385332046728;    // log(2 pi) / 2
    private static final double SQRT_TWO_PI = 2.5066282746310002;        // sqrt(2 pi)
    private static final double LN2 = 0.6931471805599453;
    private static final double SQRT_2 = 1.4142135623730951;
    /** Where erf switches from its power series to 1 - erfc by continued fraction. */
    private static final double ERF_SERIES_LIMIT = 2.0;
    /** Where erfc switches from 1 - erf to the continued fraction. */
    private static final double ERFC_FRACTION_START = 1.2;
    /** Stirling's series is used from here on; smaller arguments are shifted up by the recurrence. */
    private static final double STIRLING_START = 15.0;
    /** digamma and trigamma use their asymptotic series from here on, the recurrence below. */
    private static final double POLYGAMMA_SERIES_START = 10.0;

    private SpecialFunctions() {
    }

    /**
     * The error function. For {@code |x| < 2} it sums the all-positive series
     * {@code erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))}, which has no cancellation;
     * beyond, it is {@code 1 - erfc(|x|)} with erfc from its continued fraction.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax >= 6.0) {
            return Math.copySign(1.0, x);
        }
        if (ax < ERF_SERIES_LIMIT) {
            return Math.copySign(erfSeries(ax), x);
        }
        return Math.copySign(1.0 - erfcFraction(ax), x);
    }

    /** The complementary error function {@code 1 - erf(x)}, accurate in relative terms for large positive x. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x < ERFC_FRACTION_START) {
            return 1.0 - erf(x);
        }
        if (x > 27.3) {
            return 0.0;
        }
        return erfcFraction(x);
    }

    /**
     * The inverse error function on [-1, 1]: {@code +-inf} at {@code +-1}, NaN outside. A closed-form first guess is
     * refined by Newton steps on {@code erf(x) = y}, or on {@code erfc(x) = 1 - y} near the ends where {@code 1 - y}
     * carries the information.
     */
    public static double erfinv(double y) {
        if (Double.isNaN(y) || y < -1.0 || y > 1.0) {
            return Double.NaN;
        }
        if (y == 1.0 || y == -1.0) {
            return Math.copySign(Double.POSITIVE_INFINITY, y);
        }
        if (y == 0.0) {
            return y;
        }
        double ay = Math.abs(y);
        double x = erfinvGuess(ay);
        if (ay <= 0.91) {
            for (int i = 0; i < 6; i++) {
                double step = (erf(x) - ay) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
                x -= step;
                if (Math.abs(step) <= 1e-17 * x) {
                    break;
                }
            }
        } else {
            double q = 1.0 - ay; // exact for ay in [0.5, 1]
            for (int i = 0; i < 8; i++) {
                double step = (erfc(x) - q) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
                x += step;
                if (Math.abs(step) <= 1e-17 * x) {
                    break;
                }
            }
        }
        return Math.copySign(x, y);
    }

    /**
     * The gamma function, as C's {@code tgamma}: +-inf at +-0, NaN at negative integers and -inf, inf past 171.62.
     * Stirling's series from 15 up, the recurrence below that, the reflection formula for negative arguments, and
     * exact products for small positive integers.
     */
    public static double gamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        if (x == 0.0) {
            return Math.copySign(Double.POSITIVE_INFINITY, x);
        }
        if (x < 0.0) {
            if (x == Math.floor(x)) {
                return Double.NaN;
            }
            // reflection: gamma(x) = pi / (sin(pi x) gamma(1 - x)), with gamma(1 - x) = -x gamma(-x) when x < -1
            // so that the result stays finite down to the subnormal range
            double s = sinPi(x);
            double g = x < -1.0 ? gamma(-x) : gamma(1.0 - x);
            if (Double.isInfinite(g)) {
                return Math.copySign(0.0, s);
            }
            return x < -1.0 ? Math.PI / s / -x / g : Math.PI / s / g;
        }
        if (x > 171.7) {
            return Double.POSITIVE_INFINITY;
        }
        if (x == Math.floor(x) && x <= 30) {
            double f = 1.0;
            for (int k = 2; k < (int) x; k++) {
                f *= k;
            }
            return f;
        }
        if (x >= STIRLING_START) {
            return stirlingGamma(x);
        }
        double shifted = x;
        double product = 1.0;
        while (shifted < STIRLING_START) {
            product *= shifted;
            shifted += 1.0;
        }
        return stirlingGamma(shifted) / product;
    }

    /**
     * The logarithm of the absolute value of the gamma function, as C's {@code lgamma}: +inf at zero and the negative
     * integers. Stirling's series in log form from 15 up, {@code log|gamma(x)|} below, reflection for negatives.
     */
    public static double lgamma(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (Double.isInfinite(x)) {
            return Double.POSITIVE_INFINITY;
        }
        if (x <= 0.0 && x == Math.floor(x)) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < 0.0) {
            return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1.0 - x);
        }
        if (x >= STIRLING_START) {
            return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingSeries(x);
        }
        if (x == 1.0 || x == 2.0) {
            return 0.0;
        }
        return Math.log(gamma(x));
    }

    /**
     * The digamma function {@code psi(x) = d/dx log|gamma(x)|}, the derivative of {@code gammaln}; NaN at its poles
     * (zero and the negative integers). The recurrence {@code psi(x) = psi(x + 1) - 1/x} shifts the argument up to
     * where the asymptotic series converges; negative arguments use {@code psi(x) = psi(1 - x) - pi cot(pi x)}.
     */
    public static double digamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY || (x <= 0.0 && x == Math.floor(x))) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        if (x < 0.0) {
            double r = x - Math.floor(x); // cot(pi x) has period 1; r is exact
            return digamma(1.0 - x) - Math.PI / Math.tan(Math.PI * r);
        }
        double shift = 0.0;
        while (x < POLYGAMMA_SERIES_START) {
            shift -= 1.0 / x;
            x += 1.0;
        }
        double r2 = 1.0 / (x * x);
        // psi(x) ~ log x - 1/(2x) - sum_k B_2k / (2k x^2k)
        double s = -1.0 / 12.0;
        s = s * r2 + 691.0 / 32760.0;
        s = s * r2 - 1.0 / 132.0;
        s = s * r2 + 1.0 / 240.0;
        s = s * r2 - 1.0 / 252.0;
        s = s * r2 + 1.0 / 120.0;
        s = s * r2 - 1.0 / 12.0;
        return shift + Math.log(x) - 0.5 / x + s * r2;
    }

    /**
     * The trigamma function {@code psi'(x)}, the derivative of {@link #digamma}; NaN at zero and the negative
     * integers. The recurrence {@code psi'(x) = psi'(x + 1) + 1/x^2} and an asymptotic series for positive
     * arguments, the reflection {@code psi'(x) = pi^2 / sin^2(pi x) - psi'(1 - x)} for negative ones.
     */
    public static double trigamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY || (x <= 0.0 && x == Math.floor(x))) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        if (x < 0.0) {
            double s = Math.PI / sinPi(x);
            return s * s - trigamma(1.0 - x);
        }
        double shift = 0.0;
        while (x < POLYGAMMA_SERIES_START) {
            shift += 1.0 / (x * x);
            x += 1.0;
        }
        double r = 1.0 / x;
        double r2 = r * r;
        // psi'(x) ~ 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1)
        double s = 7.0 / 6.0;
        s = s * r2 - 691.0 / 2730.0;
        s = s * r2 + 5.0 / 66.0;
        s = s * r2 - 1.0 / 30.0;
        s = s * r2 + 1.0 / 42.0;
        s = s * r2 - 1.0 / 30.0;
        s = s * r2 + 1.0 / 6.0;
        return shift + r + 0.5 * r2 + s * r2 * r;
    }

    /** Inverse hyperbolic sine, odd, accurate near zero and for large arguments. */
    public static double asinh(double x) {
        double ax = Math.abs(x);
        if (Double.isNaN(x) || Double.isInfinite(x) || ax < 0x1p-28) {
            return x;
        }
        double r;
        if (ax > 0x1p28) {
            r = Math.log(ax) + LN2;
        } else if (ax > 2.0) {
            r = Math.log(2.0 * ax + 1.0 / (Math.sqrt(ax * ax + 1.0) + ax));
        } else {
            double t = ax * ax;
            r = Math.log1p(ax + t / (1.0 + Math.sqrt(1.0 + t)));
        }
        return Math.copySign(r, x);
    }

    /** Inverse hyperbolic cosine: NaN below 1, accurate near 1 and for large arguments. */
    public static double acosh(double x) {
        if (Double.isNaN(x) || x < 1.0) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        if (x > 0x1p28) {
            return Math.log(x) + LN2;
        }
        if (x > 2.0) {
            return Math.log(2.0 * x - 1.0 / (x + Math.sqrt(x * x - 1.0)));
        }
        double t = x - 1.0;
        return Math.log1p(t + Math.sqrt(2.0 * t + t * t));
    }

    /** Inverse hyperbolic tangent: +-inf at +-1, NaN beyond, odd. */
    public static double atanh(double x) {
        double ax = Math.abs(x);
        if (Double.isNaN(x) || ax > 1.0) {
            return Double.NaN;
        }
        if (ax == 1.0) {
            return Math.copySign(Double.POSITIVE_INFINITY, x);
        }
        if (ax < 0x1p-28) {
            return x;
        }
        double r;
        if (ax < 0.5) {
            double t = ax + ax;
            r = 0.5 * Math.log1p(t + t * ax / (1.0 - ax));
        } else {
            r = 0.5 * Math.log1p((ax + ax) / (1.0 - ax));
        }
        return Math.copySign(r, x);
    }

    /** Base-2 logarithm, exact at powers of two. */
    public static double log2(double x) {
        if (!(x > 0.0) || Double.isInfinite(x)) {
            return Math.log(x) / LN2; // NaN, -inf at zero, +inf at +inf
        }
        int e = Math.getExponent(x);
        double m;
        if (e < Double.MIN_EXPONENT) {
            double scaled = x * 0x1p54;
            e = Math.getExponent(scaled);
            m = scaled / Math.scalb(1.0, e);
            e -= 54;
        } else {
            m = x / Math.scalb(1.0, e);
        }
        if (m > SQRT_2) { // m in [sqrt(1/2), sqrt(2)]: no cancellation between e and log2(m) just below a power of 2
            m *= 0.5;
            e++;
        }
        return m == 1.0 ? e : e + Math.log(m) / LN2;
    }

    /** {@code sin(pi x)} with exact argument reduction, zero at the integers. */
    static double sinPi(double x) {
        double y = x % 2.0;
        if (y > 1.0) {
            y -= 2.0;
        } else if (y < -1.0) {
            y += 2.0;
        }
        if (y > 0.5) {
            y = 1.0 - y;
        } else if (y < -0.5) {
            y = -1.0 - y;
        }
        return Math.sin(Math.PI * y);
    }

    private static double erfSeries(double ax) {
        double x2 = ax * ax;
        double x2lo = Math.fma(ax, ax, -x2); // x^2 = x2 + x2lo exactly
        double term = ax;
        double sum = ax;
        double twoX2 = 2.0 * x2;
        for (int n = 1; n < 200; n++) {
            term *= twoX2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * (1.0 - x2lo) * sum;
    }

    /** erfc(x) for x >= 1.2 by the continued fraction x + (1/2)/(x + 1/(x + (3/2)/(x + ...))), modified Lentz. */
    private static double erfcFraction(double x) {
        final double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0.0;
        for (int n = 1; n < 5000; n++) {
            double a = 0.5 * n;
            d = x + a * d;
            if (d == 0.0) {
                d = tiny;
            }
            c = x + a / c;
            if (c == 0.0) {
                c = tiny;
            }
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) {
                break;
            }
        }
        double x2 = x * x;
        double x2lo = Math.fma(x, x, -x2);
        return ONE_OVER_SQRT_PI * Math.exp(-x2) * (1.0 - x2lo) / f;
    }

    /** A closed-form approximation of erfinv for y in (0, 1), good to about 1e-3 relative. */
    private static double erfinvGuess(double y) {
        final double a = 0.147;
        double ln = Math.log((1.0 - y) * (1.0 + y));
        double t = 2.0 / (Math.PI * a) + 0.5 * ln;
        return Math.sqrt(Math.sqrt(t * t - ln / a) - t);
    }

    /** gamma(x) for x >= 15: sqrt(2 pi) x^(x - 1/2) e^-x exp(series), split so x^(x - 1/2) cannot overflow early. */
    private static double stirlingGamma(double x) {
        double half = Math.pow(x, 0.5 * (x - 0.5));
        return SQRT_TWO_PI * (half * Math.exp(-x)) * half * Math.exp(stirlingSeries(x));
    }

    /** Sum of B_2k / (2k (2k - 1) x^(2k - 1)) for k = 1..8, the Bernoulli-number tail of log gamma. */
    private static double stirlingSeries(double x) {
        double r = 1.0 / x;
        double r2 = r * r;
        double s = -3617.0 / 122400.0;
        s = s * r2 + 1.0 / 156.0;
        s = s * r2 - 691.0 / 360360.0;
        s = s * r2 + 1.0 / 1188.0;
        s = s * r2 - 1.0 / 1680.0;
        s = s * r2 + 1.0 / 1260.0;
        s = s * r2 - 1.0 / 360.0;
        s = s * r2 + 1.0 / 12.0;
        return s * r;
    }
}
