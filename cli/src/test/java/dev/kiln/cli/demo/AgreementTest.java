package dev.kiln.cli.demo;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AgreementTest {
    private static NDArray scores(float... v) {
        return NDArray.of(Shape.of(2, 3), v);
    }

    @Test
    void identicalScoresAgreeExactly() {
        NDArray a = scores(1, 2, 3, 3, 2, 1);
        Agreement g = Agreement.of(a, a.copy());
        assertThat(g).isEqualTo(new Agreement(0, 2, 2));
        assertThat(g.within(0)).isTrue();
    }

    @Test
    void largestDifferenceIsMeasuredOverEveryScore() {
        Agreement g = Agreement.of(scores(1, 2, 3, 3, 2, 1), scores(1, 2, 3, 3, 2.25f, 1));
        assertThat(g.maxAbsDifference()).isCloseTo(0.25, within(1e-9));
        assertThat(g.sameClass()).isEqualTo(2);
        assertThat(g.within(0.3)).isTrue();
        assertThat(g.within(0.2)).isFalse();
        assertThatThrownBy(() -> g.require(0.2, "the two models"))
                .isInstanceOf(KilnException.class)
                .hasMessage("the two models disagree: largest score difference 0.250 (tolerance 0.2), "
                        + "same class for 2 of 2 samples");
    }

    @Test
    void aFlippedClassFailsEvenWithinTheTolerance() {
        Agreement g = Agreement.of(scores(0.5f, 0.5001f, 0, 1, 0, 0), scores(0.5001f, 0.5f, 0, 1, 0, 0));
        assertThat(g.sameClass()).isEqualTo(1);
        assertThat(g.maxAbsDifference()).isLessThan(1e-3);
        assertThat(g.within(1e-3)).isFalse();
    }

    @Test
    void aNaNScoreNeverAgrees() {
        Agreement g = Agreement.of(scores(1, 2, 3, 3, 2, 1), scores(1, 2, 3, 3, Float.NaN, 1));
        assertThat(g.maxAbsDifference()).isNaN();
        assertThat(g.within(1e9)).isFalse();
    }

    @Test
    void differentShapesAreRefusedNamingBoth() {
        assertThatThrownBy(() -> Agreement.of(scores(1, 2, 3, 3, 2, 1), NDArray.of(Shape.of(3, 2), 1, 2, 3, 3, 2, 1)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("(2, 3)").hasMessageContaining("(3, 2)");
    }
}
