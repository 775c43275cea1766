package dev.kiln.op.nn;

/**
 * The exponential of float32 softmax rows, in float arithmetic that the scalar form here and the vector form in
 * {@link VectorSoftmaxRow} perform operation for operation, so both give the same bits. {@code x = n ln 2 + r} with
 * {@code n} the nearest integer to {@code x / ln 2} (found by adding and subtracting 1.5 * 2^23) and {@code r}
 * reduced with a two-part ln 2 by multiply-adds; {@code e^r} by its Taylor polynomial of degree 7 (truncation below
 * 2e-9 relative for |r| <= ln 2 / 2) in Horner form with multiply-adds; times {@code 2^n} as two powers of two
 * built from exponent bits (each half of n stays in range, so n = 128 below {@link #MAX} does not overflow).
 * Within 2 ulp of the exact value. Below {@link #MIN} the result, which would be subnormal, is 0; above
 * {@link #MAX} it is infinity; NaN stays NaN. MXNet computes {@code expf} in float as well.
 */
final class SoftmaxExp {
    /** {@code 1 / ln 2}. */
    static final float LOG2E = 1.44269504f;
    /** ln 2 split so that {@code n * LN2_HI} is exact for the n that occur. */
    static final float LN2_HI = 0.693145751953125f;
    static final float LN2_LO = 1.42860677e-06f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, in the low mantissa bits. */
    static final float ROUND = 12582912f;
    /** Below this 2^n would be subnormal: e^MIN is about 2^-126. */
    static final float MIN = -87.33654f;
    /** Above this e^x overflows float. */
    static final float MAX = 88.72283f;
    /** 1/k! for k = 2 ... 7, rounded to float. */
    static final float C2 = 0.5f;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;
    static final float C7 = 1f / 5040;

    private SoftmaxExp() {
    }

    /** {@code e^x} as the vector form computes it lane by lane. */
    static float exp(float x) {
        if (!(x >= MIN && x <= MAX)) {
            return x > MAX ? Float.POSITIVE_INFINITY : x < MIN ? 0f : x;
        }
        float k = x * LOG2E + ROUND;
        int n = Float.floatToRawIntBits(k) - Float.floatToRawIntBits(ROUND);
        float nf = k - ROUND;
        float r = Math.fma(-nf, LN2_HI, x);
        r = Math.fma(-nf, LN2_LO, r);
        float p = reduced(r);
        int half = n >> 1;
        return p * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((n - half + 127) << 23);
    }

    /** {@code e^r} for the reduced argument ({@code |r|} about ln 2 / 2 at most): the Taylor polynomial above. */
    static float reduced(float r) {
        float p = Math.fma(C7, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        return Math.fma(p, r, 1f);
    }
}
