package dev.kiln.op.nn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SoftmaxExp} against {@link Math#exp} over its whole range, and at the edges. */
class SoftmaxExpTest {
    @Test
    void expIsWithinTwoUlpOfTheExactValueAcrossTheNormalRange() {
        for (float x = SoftmaxExp.MIN; x <= SoftmaxExp.MAX; x += 0.0137f) {
            float exact = (float) Math.exp(x);
            float got = SoftmaxExp.exp(x);
            assertThat(Math.abs(got - exact)).as("exp(%s): %s vs %s", x, got, exact)
                    .isLessThanOrEqualTo(2 * Math.ulp(exact));
        }
        for (float x = -1f; x <= 1f; x += 1e-4f) {
            float exact = (float) Math.exp(x);
            assertThat(Math.abs(SoftmaxExp.exp(x) - exact)).as("exp(%s)", x).isLessThanOrEqualTo(2 * Math.ulp(exact));
        }
    }

    @Test
    void edgesGiveZeroInfinityAndNaN() {
        assertThat(SoftmaxExp.exp(0f)).isEqualTo(1f);
        assertThat(SoftmaxExp.exp(-0f)).isEqualTo(1f);
        assertThat(SoftmaxExp.exp(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(SoftmaxExp.exp(-100f)).isZero();
        assertThat(SoftmaxExp.exp(Float.POSITIVE_INFINITY)).isInfinite();
        assertThat(SoftmaxExp.exp(100f)).isInfinite();
        assertThat(SoftmaxExp.exp(Float.NaN)).isNaN();
        // the top of the range, where n = 128, stays finite
        assertThat(SoftmaxExp.exp(88.7f)).isFinite().isCloseTo((float) Math.exp(88.7f),
                org.assertj.core.data.Offset.offset(2 * Math.ulp((float) Math.exp(88.7f))));
        assertThat(SoftmaxExp.exp(SoftmaxExp.MIN)).isGreaterThan(0f);
    }
}
