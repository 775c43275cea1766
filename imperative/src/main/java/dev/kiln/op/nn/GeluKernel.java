package dev.kiln.op.nn;

import static dev.kiln.op.nn.SoftmaxExp.LN2_HI;
import static dev.kiln.op.nn.SoftmaxExp.LN2_LO;
import static dev.kiln.op.nn.SoftmaxExp.LOG2E;
import static dev.kiln.op.nn.SoftmaxExp.ROUND;

/**
 * float32 GELU, {@code 0.5 a (1 + erf(a / s))} with {@code s} the float nearest sqrt 2 (as MXNet, whose float
 * constant matters in the far tail), in float arithmetic that the scalar form here and the vector
 * form in {@link VectorGelu} perform operation for operation, so both give the same bits wherever an element lands.
 * One formula for every a, without cancellation: {@code 1 + erf(a / s)} is {@code E} for negative a and
 * {@code 2 - E} otherwise, {@code E = erfc(|a| / s) = e^(-a^2 / s^2) G(|a|)}. {@code a^2} is kept exact as a sum
 * of two floats (a multiply-add gives the product's rounding error), {@code 1 / s^2} as {@code (1 + delta) / 2}, and
 * the exponential is {@link SoftmaxExp}'s; {@code G(b) = erfcx(b / s)} is a degree-7 polynomial in {@code b - j - 1/2} on each interval
 * {@code [j, j + 1)} (least-squares fits made for Kiln, rounded to float; lanes pick theirs by a permute). The
 * result is relatively accurate down to the subnormals, where the scale by {@code 2^n} comes last and rounds once;
 * within 4 ulp of the exact value (the tests hold it there), at a fraction of the double-lane kernel's cost.
 */
final class GeluKernel {
    /** Past |a| = 14.5 the result is a, or -0 (below 9e-47) in float. */
    static final float A_END = 14.5f;
    /** {@code delta / 2} with {@code 1 / s^2 = (1 + delta) / 2}. */
    static final float HALF_DELTA = 1.7114271e-08f;
    /** Coefficient k of G on interval j at index j (15 intervals; the 16th repeats the last to fill a vector). */
    static final float[] F0 = {6.9923764e-01f, 4.1156134e-01f, 2.8266266e-01f, 2.1269031e-01f, 1.6960678e-01f,
            1.4068538e-01f, 1.2003135e-01f, 1.0458619e-01f, 9.262008e-02f, 8.308657e-02f, 7.531772e-02f, 6.8868116e-02f,
            6.342985e-02f, 5.878346e-02f, 5.476845e-02f, 5.476845e-02f};
    static final float[] F1 = {-4.482658e-01f, -1.8054256e-01f, -9.1227904e-02f, -5.3468484e-02f, -3.4654032e-02f,
            -2.4114925e-02f, -1.7680781e-02f, -1.3488104e-02f, -1.0613828e-02f, -8.562079e-03f, -7.0485277e-03f,
            -5.9012133e-03f, -5.0114216e-03f, -4.307807e-03f, -3.7420301e-03f, -3.7420301e-03f};
    static final float[] F2 = {2.3755494e-01f, 7.037396e-02f, 2.7296478e-02f, 1.2775308e-02f, 6.831821e-03f,
            4.0266463e-03f, 2.553136e-03f, 1.712707e-03f, 1.2012722e-03f, 8.7341195e-04f, 6.540883e-04f, 5.020826e-04f,
            3.9354083e-04f, 3.140357e-04f, 2.5450587e-04f, 2.5450587e-04f};
    static final float[] F3 = {-1.0982838e-01f, -2.4993917e-02f, -7.6622544e-03f, -2.9183065e-03f, -1.3036132e-03f,
            -6.561244e-04f, -3.6179915e-04f, -2.1426716e-04f, -1.3433806e-04f, -8.822185e-05f, -6.0200302e-05f,
            -4.242117e-05f, -3.072037e-05f, -2.2774988e-05f, -1.723171e-05f, -1.723171e-05f};
    static final float[] F4 = {4.560817e-02f, 8.216398e-03f, 2.0346837e-03f, 6.402237e-04f, 2.4137297e-04f,
            1.0448619e-04f, 5.035911e-05f, 2.6425401e-05f, 1.4849532e-05f, 8.826028e-06f, 5.4962484e-06f, 3.5597727e-06f,
            2.3840435e-06f, 1.6433355e-06f, 1.1615131e-06f, 1.1615131e-06f};
    static final float[] F5 = {-1.7402608e-02f, -2.5324447e-03f, -5.148167e-04f, -1.3543962e-04f, -4.3470074e-05f,
            -1.6284983e-05f, -6.891253e-06f, -3.2146702e-06f, -1.623133e-06f, -8.74793e-07f, -4.97879e-07f, -2.9672591e-07f,
            -1.8394947e-07f, -1.17982566e-07f, -7.794911e-08f, -7.794911e-08f};
    static final float[] F6 = {6.4880922e-03f, 7.6441246e-04f, 1.2798402e-04f, 2.824331e-05f, 7.738461e-06f,
            2.5144718e-06f, 9.35851e-07f, 3.8862234e-07f, 1.764941e-07f, 8.632564e-08f, 4.4932566e-08f, 2.465458e-08f,
            1.4153928e-08f, 8.449998e-09f, 5.220003e-09f, 5.220003e-09f};
    static final float[] F7 = {-2.1025974e-03f, -2.086651e-04f, -2.9560519e-05f, -5.574782e-06f, -1.3210672e-06f,
            -3.7578803e-07f, -1.2384348e-07f, -4.6008118e-08f, -1.8864592e-08f, -8.39769e-09f, -4.0063477e-09f,
            -2.0274713e-09f, -1.0793679e-09f, -6.004678e-10f, -3.472694e-10f, -3.472694e-10f};

    private GeluKernel() {
    }

    /** GELU of one float, as the vector form computes each lane. */
    static float gelu(float a) {
        float h = 0.5f * a;
        float ab = Math.min(Math.abs(a), A_END);
        float sq = ab * ab;
        float sqLo = Math.fma(ab, ab, -sq);
        // e^(-a^2 / s^2) = e^(-sq / 2 - sqLo / 2 - sq delta / 2) = 2^n e^r
        float x = -0.5f * sq;
        float k = x * LOG2E + ROUND;
        int n = Float.floatToRawIntBits(k) - Float.floatToRawIntBits(ROUND);
        float nf = k - ROUND;
        float r = Math.fma(-nf, LN2_HI, x);
        r = Math.fma(-nf, LN2_LO, r);
        r = Math.fma(-0.5f, sqLo, r);
        r = Math.fma(-HALF_DELTA, sq, r);
        float p = SoftmaxExp.reduced(r);
        // the interval j nearest below ab (either neighbour's fit holds at a boundary), and b - j - 1/2 exactly
        float jr = (ab - 0.5f) + ROUND;
        int j = Float.floatToRawIntBits(jr) - Float.floatToRawIntBits(ROUND) & 15; // in range also for NaN
        float c = ab - ((jr - ROUND) + 0.5f);
        float g = Math.fma(F7[j], c, F6[j]);
        g = Math.fma(g, c, F5[j]);
        g = Math.fma(g, c, F4[j]);
        g = Math.fma(g, c, F3[j]);
        g = Math.fma(g, c, F2[j]);
        g = Math.fma(g, c, F1[j]);
        g = Math.fma(g, c, F0[j]);
        float m = g * p;
        // m 2^n is E; for negative a the result h m 2^n is scaled last, so a subnormal rounds once
        boolean negative = a < 0;
        float w = negative ? h * m : m;
        int half = n >> 1;
        float e = w * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((n - half + 127) << 23);
        float y = negative ? e : h * (2f - e);
        return Math.abs(a) < A_END ? y : h * (negative ? 0f : 2f);
    }
}
