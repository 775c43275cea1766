package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class EarlyStoppingHandlerTest {

    /** Feeds {@code values} to the handler epoch by epoch; returns the epoch (from 1) at which it asked to stop. */
    private static int stopsAfter(EarlyStoppingHandler h, FitFixtures.Scripted metric, double... values) {
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        h.trainBegin(est);
        for (int i = 0; i < values.length; i++) {
            metric.value = values[i];
            if (h.epochEnd(est)) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        var loss = new FitFixtures.Scripted("loss");
        var h = new EarlyStoppingHandler(loss, 0, 2, MonitorMode.MIN, null);
        // improves at 1 and 2, then 2 epochs at 0.8/0.9 without beating 0.7
        assertThat(stopsAfter(h, loss, 1.0, 0.7, 0.8, 0.9, 0.1)).isEqualTo(4);
        assertThat(h.stoppedEpoch()).isEqualTo(3);
        assertThat(h.best()).isEqualTo(0.7);
    }

    @Test
    void improvementSmallerThanMinDeltaDoesNotCount() {
        var loss = new FitFixtures.Scripted("loss");
        var h = new EarlyStoppingHandler(loss, 0.1, 1, MonitorMode.MIN, null);
        // 0.95 is only 0.05 below 1.0
        assertThat(stopsAfter(h, loss, 1.0, 0.95)).isEqualTo(2);
        var h2 = new EarlyStoppingHandler(loss, 0.1, 1, MonitorMode.MIN, null);
        assertThat(stopsAfter(h2, loss, 1.0, 0.85, 0.7, 0.69)).isEqualTo(4);
    }

    @Test
    void autoModeMaximisesAccuracyAndMinimisesOtherNames() {
        var acc = new FitFixtures.Scripted("accuracy");
        assertThat(stopsAfter(new EarlyStoppingHandler(acc), acc, 0.5, 0.6, 0.55)).isEqualTo(3);
        var err = new FitFixtures.Scripted("mae");
        assertThat(stopsAfter(new EarlyStoppingHandler(err), err, 0.5, 0.4, 0.45)).isEqualTo(3);
        assertThat(MonitorMode.AUTO.resolve("validation F1")).isEqualTo(MonitorMode.MAX);
    }

    @Test
    void baselineMustBeBeatenFromTheStart() {
        var acc = new FitFixtures.Scripted("accuracy");
        var h = new EarlyStoppingHandler(acc, 0, 2, MonitorMode.MAX, 0.9);
        assertThat(stopsAfter(h, acc, 0.8, 0.85, 0.95)).isEqualTo(2);
    }

    @Test
    void aMetricThatWasNeverUpdatedIsSkipped() {
        var loss = new FitFixtures.Scripted("loss");
        var h = new EarlyStoppingHandler(loss, 0, 1, MonitorMode.MIN, null);
        assertThat(stopsAfter(h, loss, Double.NaN, Double.NaN, 1.0, 0.5)).isEqualTo(-1);
    }

    @Test
    void stopsAFitEarly() {
        var scripted = new FitFixtures.Scripted("loss");
        List<Double> values = new ArrayList<>(List.of(1.0, 0.5, 0.6, 0.7, 0.8, 0.9));
        EpochEnd script = e -> {
            scripted.value = values.removeFirst();
            return false;
        };
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        TrainingHistory h = est.fit(FitFixtures.linearData(1, 2, 0), null, 6,
                List.of(new EarlyStoppingHandler(scripted, 0, 2, MonitorMode.MIN, null), scriptFirst(script)));
        assertThat(h.size()).isEqualTo(4);
    }

    @Test
    void compositeAndMissingMonitorsAreRejected() {
        assertThatThrownBy(() -> new EarlyStoppingHandler(null)).isInstanceOf(KilnException.class)
                .hasMessageContaining("monitor");
        var two = new FitFixtures.Scripted("two") {
            @Override
            public List<dev.kiln.metric.MetricValue> getNameValue() {
                return List.of(new dev.kiln.metric.MetricValue("a", 1), new dev.kiln.metric.MetricValue("b", 2));
            }
        };
        assertThatThrownBy(() -> new EarlyStoppingHandler(two)).hasMessageContaining("composite");
    }

    private static EventHandler scriptFirst(EpochEnd script) {
        return new EpochEnd() {
            @Override
            public boolean epochEnd(Estimator estimator) {
                return script.epochEnd(estimator);
            }

            @Override
            public int priority() {
                return -100;
            }
        };
    }
}
