package dev.kiln.nn;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.BlockForwardException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(FreshNames.class)
class DropoutTest {

    private static NDArray inTraining(Dropout d, NDArray x) {
        try (var ignored = Autograd.trainMode()) {
            return d.call(x);
        }
    }

    @Test
    void isNamedAndPrintedAsGluonsWithNoParameters() {
        Dropout d = new Dropout(0.5);
        assertThat(d.prefix()).isEqualTo("dropout0_");
        assertThat(d.collectParams().keys()).isEmpty();
        assertThat(d).hasToString("Dropout(p = 0.5, axes=())");
        assertThat(new Dropout(0.25, 1)).hasToString("Dropout(p = 0.25, axes=(1,))");
        assertThat(Dropout.builder(0.1).axes(0, 2).prefix("drop_").build())
                .hasToString("Dropout(p = 0.1, axes=(0, 2))")
                .extracting(Dropout::prefix).isEqualTo("drop_");
    }

    @Test
    void isTheIdentityInPredictModeAndWithRateZero() {
        NDArray x = Random.uniform(-1, 1, 3, 4);
        try (var ignored = Autograd.predictMode()) {
            assertThat(new Dropout(0.5).call(x)).isCloseTo(x, 0, 0);
        }
        assertThat(inTraining(new Dropout(0), x)).isCloseTo(x, 0, 0);
        LayerCheck.of(new Dropout(0.5), x).expectShape(3, 4).run();
        LayerCheck.of(new Dropout(0), x).training(true).expectShape(3, 4).run();
    }

    @Test
    void dropsTheRateInTrainingAndScalesTheRestByTheKeptFraction() {
        double rate = 0.3;
        NDArray x = Random.uniform(1, 2, 100, 100);
        NDArray y = inTraining(new Dropout(rate), x);
        int dropped = 0;
        for (int i = 0; i < x.size(); i++) {
            double out = y.getDouble(i);
            if (out == 0) {
                dropped++;
            } else {
                assertThat(out).isCloseTo(x.getDouble(i) / (1 - rate), within(1e-5));
            }
        }
        // 10000 Bernoulli(0.3) draws: standard deviation of the fraction is about 0.0046
        assertThat(dropped / (double) x.size()).isCloseTo(rate, within(0.03));
    }

    @Test
    void axesShareOneMaskAlongThem() {
        NDArray x = NDArray.ones(6, 20, 5);
        NDArray y = inTraining(new Dropout(0.5, 1), x);
        int kept = 0;
        for (int i = 0; i < 6; i++) {
            for (int k = 0; k < 5; k++) {
                double first = y.getDouble(i, 0, k);
                assertThat(first).isIn(0.0, 2.0);
                kept += first > 0 ? 1 : 0;
                for (int j = 1; j < 20; j++) {
                    assertThat(y.getDouble(i, j, k)).as("element (%d, %d, %d)", i, j, k).isEqualTo(first);
                }
            }
        }
        assertThat(kept).isBetween(1, 29);
    }

    @Test
    void trainingGradientsFollowTheDrawnMask() {
        LayerCheck.of(new Dropout(0.5), Random.uniform(-1, 1, 3, 4)).training(true).expectShape(3, 4).run();
        LayerCheck.of(new Dropout(0.4, 0), Random.uniform(-1, 1, 3, 4)).training(true).expectShape(3, 4).run();
    }

    @Test
    void rejectsRatesOutsideZeroToOneAndAxesOutOfRange() {
        assertThatThrownBy(() -> new Dropout(-0.1)).hasMessageContaining("rate must be in [0, 1), got -0.1");
        assertThatThrownBy(() -> new Dropout(1)).hasMessageContaining("rate must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> new Dropout(Double.NaN)).hasMessageContaining("got NaN");
        Dropout d = new Dropout(0.5, 2);
        assertThatThrownBy(() -> d.call(NDArray.ones(2, 3)))
                .isInstanceOf(BlockForwardException.class)
                .hasMessageContaining("(Dropout)")
                .hasMessageContaining("'axes' (2,) has axis 2 out of range for data of shape (2, 3)");
    }
}
