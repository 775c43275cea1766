package dev.kiln.op.nn;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.op.elementwise.SpecialFunctions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link GeluKernel} against GELU in double with the fully accurate erfc, and {@link VectorGelu} against it. */
class GeluKernelTest {
    /** {@code 0.5 a erfc(-a / s)}: 0.5 a (1 + erf(a / s)) without cancellation, s sqrt 2 as a float (MXNet's). */
    private static double exact(float a) {
        return 0.5 * a * SpecialFunctions.erfc(-a / (double) (float) Math.sqrt(2));
    }

    @Test
    void withinFourUlpOfTheExactValueAcrossTheRangeAndTheSubnormalTail() {
        for (double a = -15; a <= 15; a += 1.0 / 4096 + 1e-7) {
            float x = (float) a;
            double want = exact(x);
            float got = GeluKernel.gelu(x);
            assertThat(Math.abs(got - want)).as("gelu(%s): %s vs %s", x, got, want)
                    .isLessThanOrEqualTo(4 * Math.ulp((float) want));
        }
    }

    @Test
    void specialValuesFollowTheFormula() {
        assertThat(GeluKernel.gelu(0f)).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(GeluKernel.gelu(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(GeluKernel.gelu(30f)).isEqualTo(30f);
        assertThat(Float.floatToRawIntBits(GeluKernel.gelu(-30f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(GeluKernel.gelu(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        // 0.5 (-inf) (1 + erf(-inf)) is -inf * 0, as in MXNet
        assertThat(GeluKernel.gelu(Float.NEGATIVE_INFINITY)).isNaN();
        assertThat(GeluKernel.gelu(Float.NaN)).isNaN();
    }

    @Test
    void lanesGiveTheScalarBitsAtEveryOffsetAndLength() {
        Assumptions.assumeTrue(VectorSupport.isAvailable(), "Vector API not enabled");
        Random r = new Random(5);
        float[] x = new float[3000];
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.4142135f,
            -1.4142135f, 14.142136f, -14.142136f, 14.142135f, -14.142135f, -13.5f, -20f, 30f, 1e-30f, -1e-30f,
            Float.MIN_VALUE, -Float.MIN_VALUE};
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 8 : 1.5));
        }
        for (int offset : new int[] {0, 1, 7, 29}) {
            float[] y = new float[x.length];
            int n = x.length - offset - offset % 5;
            VectorGelu.gelu(x, offset, y, offset, n);
            for (int i = offset; i < offset + n; i++) {
                assertThat(Float.floatToRawIntBits(y[i])).as("gelu(%s)", x[i])
                        .isEqualTo(Float.floatToRawIntBits(GeluKernel.gelu(x[i])));
            }
        }
        float[] inPlace = x.clone();
        VectorGelu.gelu(inPlace, 0, inPlace, 0, inPlace.length);
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(inPlace[i])).isEqualTo(Float.floatToRawIntBits(GeluKernel.gelu(x[i])));
        }
    }
}
