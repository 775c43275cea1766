package dev.kiln.optimizer.schedule;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The four schedules against rates worked out by hand from MXNet 1.x's formulas, warm-up included. */
class LRSchedulesTest {

    private static double[] rates(LRScheduler s, int... updates) {
        double[] out = new double[updates.length];
        for (int i = 0; i < updates.length; i++) {
            out[i] = s.learningRate(updates[i]);
        }
        return out;
    }

    @Test
    void factorHalvesEveryStepUpdatesFromTheBaseTheOptimizerSets() {
        FactorScheduler s = new FactorScheduler(2, 0.5);
        s.setBaseLr(1.0);
        assertThat(rates(s, 1, 2, 3, 4, 5, 6, 7)).containsExactly(1, 1, 0.5, 0.5, 0.25, 0.25, 0.125);
    }

    @Test
    void factorStopsAtStopFactorLr() {
        FactorScheduler s = FactorScheduler.builder(1).factor(0.5).stopFactorLr(0.3).baseLr(1).build();
        assertThat(rates(s, 1, 2, 3, 4, 9)).containsExactly(1, 0.5, 0.3, 0.3, 0.3);
    }

    @Test
    void aFreshFactorScheduleAskedAboutALateUpdateCatchesUp() {
        FactorScheduler stepped = FactorScheduler.builder(3).factor(0.1).baseLr(1).build();
        for (int n = 1; n <= 20; n++) {
            stepped.learningRate(n);
        }
        FactorScheduler fresh = FactorScheduler.builder(3).factor(0.1).baseLr(1).build();
        assertThat(fresh.learningRate(20)).isEqualTo(stepped.learningRate(20));
    }

    @Test
    void factorWarmsUpLinearlyThenCountsFromZero() {
        FactorScheduler s = FactorScheduler.builder(2).factor(0.5).baseLr(1).warmupSteps(4).warmupBeginLr(0.2)
                .build();
        double[] r = rates(s, 0, 1, 2, 3, 4, 5);
        assertThat(r[0]).isEqualTo(0.2);
        assertThat(r[1]).isCloseTo(0.4, within(1e-15));
        assertThat(r[2]).isCloseTo(0.6, within(1e-15));
        assertThat(r[3]).isCloseTo(0.8, within(1e-15));
        assertThat(r[4]).isEqualTo(0.5);
        assertThat(r[5]).isEqualTo(0.25);
    }

    @Test
    void constantWarmupHoldsTheBeginRate() {
        FactorScheduler s = FactorScheduler.builder(10).baseLr(1).warmupSteps(3).warmupBeginLr(0.1)
                .warmupMode("constant").build();
        assertThat(rates(s, 0, 1, 2, 3)).containsExactly(0.1, 0.1, 0.1, 1);
    }

    @Test
    void multiFactorMultipliesOncePastEachStep() {
        MultiFactorScheduler s = new MultiFactorScheduler(List.of(2, 5), 0.1);
        s.setBaseLr(1);
        double[] r = rates(s, 1, 2, 3, 5, 6, 100);
        assertThat(r[0]).isEqualTo(1);
        assertThat(r[1]).isEqualTo(1);
        assertThat(r[2]).isEqualTo(0.1);
        assertThat(r[3]).isEqualTo(0.1);
        assertThat(r[4]).isCloseTo(0.01, within(1e-17));
        assertThat(r[5]).isEqualTo(r[4]);
    }

    @Test
    void multiFactorWarmsUp() {
        MultiFactorScheduler s = MultiFactorScheduler.builder(List.of(3)).factor(0.5).baseLr(0.8).warmupSteps(2)
                .build();
        assertThat(rates(s, 0, 1, 2, 3, 4)).containsExactly(0, 0.4, 0.8, 0.8, 0.4);
    }

    @Test
    void polyDecaysQuadraticallyToTheFinalRateAndStays() {
        PolyScheduler s = PolyScheduler.builder(10).baseLr(1).build();
        assertThat(rates(s, 0, 5, 10, 12)).containsExactly(1, 0.25, 0, 0);
        PolyScheduler cubic = PolyScheduler.builder(10).baseLr(1).power(3).finalLr(0.1).build();
        assertThat(cubic.learningRate(5)).isCloseTo(0.1 + 0.9 * 0.125, within(1e-15));
    }

    @Test
    void polyWarmsUpThenDecaysOverTheRemainingUpdates() {
        PolyScheduler s = PolyScheduler.builder(10).baseLr(1).finalLr(0.1).warmupSteps(2).build();
        assertThat(s.learningRate(1)).isEqualTo(0.5);
        assertThat(s.learningRate(2)).isEqualTo(1);
        assertThat(s.learningRate(6)).isCloseTo(0.1 + 0.9 * 0.25, within(1e-15));
        assertThat(s.learningRate(10)).isCloseTo(0.1, within(1e-15));
    }

    @Test
    void polyAndCosineDecayFromTheirOwnBaseEvenWhenTheOptimizerSetsAnother() {
        PolyScheduler poly = PolyScheduler.builder(10).baseLr(1).build();
        CosineScheduler cos = CosineScheduler.builder(10).baseLr(1).build();
        poly.setBaseLr(5);
        cos.setBaseLr(5);
        assertThat(poly.learningRate(5)).isEqualTo(0.25);
        assertThat(cos.learningRate(5)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void cosineFollowsHalfACosine() {
        CosineScheduler s = CosineScheduler.builder(10).baseLr(1).build();
        assertThat(s.learningRate(0)).isEqualTo(1);
        assertThat(s.learningRate(5)).isCloseTo(0.5, within(1e-15));
        assertThat(s.learningRate(10)).isCloseTo(0, within(1e-15));
        assertThat(s.learningRate(11)).isEqualTo(s.learningRate(10));
        CosineScheduler warm = CosineScheduler.builder(10).baseLr(1).finalLr(0.2).warmupSteps(2).warmupBeginLr(0.5)
                .build();
        assertThat(warm.learningRate(1)).isEqualTo(0.75);
        assertThat(warm.learningRate(6)).isCloseTo(0.6, within(1e-15));
        assertThat(warm.learningRate(4)).isCloseTo(0.2 + 0.8 * (1 + Math.cos(Math.PI / 4)) / 2, within(1e-15));
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThatThrownBy(() -> new FactorScheduler(0, 0.5)).isInstanceOf(KilnException.class)
                .hasMessageContaining("FactorScheduler").hasMessageContaining("step must be at least 1");
        assertThatThrownBy(() -> new FactorScheduler(2, 1.5)).hasMessageContaining("factor must be at most 1");
        assertThatThrownBy(() -> new MultiFactorScheduler(List.of(3, 3), 0.5))
                .hasMessageContaining("increasing").hasMessageContaining("[3, 3]");
        assertThatThrownBy(() -> new MultiFactorScheduler(List.of(0, 3), 0.5)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new MultiFactorScheduler(List.of(), 0.5)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new PolyScheduler(0)).hasMessageContaining("PolyScheduler: maxUpdate");
        assertThatThrownBy(() -> CosineScheduler.builder(5).warmupSteps(5).build())
                .hasMessageContaining("greater than warmupSteps");
        assertThatThrownBy(() -> CosineScheduler.builder(5).warmupSteps(-1).build())
                .hasMessageContaining("warmupSteps must be 0 or more");
        assertThatThrownBy(() -> CosineScheduler.builder(5).baseLr(0.1).warmupBeginLr(0.2).build())
                .hasMessageContaining("must not be below warmupBeginLr");
        assertThatThrownBy(() -> FactorScheduler.builder(2).warmupMode("cosine"))
                .hasMessageContaining("'linear' or 'constant'").hasMessageContaining("cosine");
    }
}
