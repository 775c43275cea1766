package dev.kiln.op.elementwise;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** {@link FastErf} against the fully accurate {@link SpecialFunctions} on a fine grid across all its branches. */
class FastErfTest {
    @Test
    void erfMatchesTheAccurateErfToOneInABillion() {
        for (double u = -12; u <= 12; u += 1.0 / 1024 + 1e-7) {
            double exact = SpecialFunctions.erf(u);
            assertThat(FastErf.erf(u)).as("erf(%s)", u).isCloseTo(exact, offset(
                    1e-9 * Math.abs(exact) + 1e-300));
        }
    }

    @Test
    void onePlusErfKeepsRelativeAccuracyWhereItIsTiny() {
        for (double u = -FastErf.TAIL_END + 1e-3; u <= 6; u += 1.0 / 512 + 3e-7) {
            // 1 + erf(u) = erfc(-u), which the accurate erfc gives to full relative precision
            double exact = SpecialFunctions.erfc(-u);
            double relative = Math.abs(FastErf.onePlusErf(u) / exact - 1);
            assertThat(relative).as("1 + erf(%s)", u).isLessThan(1e-9);
        }
    }

    @Test
    void edgesFollowTheLimits() {
        assertThat(FastErf.onePlusErf(-50)).isZero();
        assertThat(FastErf.onePlusErf(50)).isEqualTo(2.0);
        assertThat(FastErf.onePlusErf(Double.NEGATIVE_INFINITY)).isZero();
        assertThat(FastErf.onePlusErf(Double.NaN)).isNaN();
        assertThat(FastErf.erf(Double.NaN)).isNaN();
        assertThat(FastErf.erf(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(FastErf.erf(-0.0)).isEqualTo(-0.0);
        assertThat(FastErf.erf(1e-300)).isCloseTo(1.1283791670955126e-300, offset(
                1e-309));
    }
}
