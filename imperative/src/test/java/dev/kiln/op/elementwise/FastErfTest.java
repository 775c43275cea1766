package dev.kiln.op.elementwise;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link FastErf} against the fully accurate {@link SpecialFunctions} on a fine grid across its whole range. */
class FastErfTest {
    @Test
    void onePlusErfMatchesTheAccurateErfcToOneInABillion() {
        for (double u = -FastErf.TAIL_END + 1e-3; u <= 12; u += 1.0 / 1024 + 3e-7) {
            // 1 + erf(u) = erfc(-u), which the accurate erfc gives to full relative precision also where it is tiny
            double exact = SpecialFunctions.erfc(-u);
            double relative = Math.abs(FastErf.onePlusErf(u) / exact - 1);
            assertThat(relative).as("1 + erf(%s)", u).isLessThan(1e-9);
        }
    }

    @Test
    void signedZerosAndTinyArgumentsGiveOne() {
        assertThat(FastErf.onePlusErf(0.0)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(FastErf.onePlusErf(-0.0)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(FastErf.onePlusErf(1e-300)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void edgesFollowTheLimits() {
        assertThat(FastErf.onePlusErf(-50)).isZero();
        assertThat(FastErf.onePlusErf(50)).isEqualTo(2.0);
        assertThat(FastErf.onePlusErf(Double.NEGATIVE_INFINITY)).isZero();
        assertThat(FastErf.onePlusErf(Double.POSITIVE_INFINITY)).isEqualTo(2.0);
        assertThat(FastErf.onePlusErf(Double.NaN)).isNaN();
    }
}
