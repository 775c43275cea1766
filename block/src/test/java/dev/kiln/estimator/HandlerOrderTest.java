package dev.kiln.estimator;

import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Dense;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FreshNames.class)
class HandlerOrderTest {

    /** Records each call point it sees, and what the trainer and the loss metric looked like at batch end. */
    static final class Recorder implements TrainBegin, EpochBegin, BatchBegin, BatchEnd, EpochEnd, TrainEnd {
        final String tag;
        final int priority;
        final List<String> log;
        boolean stopAtBatch;
        boolean stopAtEpoch;

        Recorder(String tag, int priority, List<String> log) {
            this.tag = tag;
            this.priority = priority;
            this.log = log;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public void trainBegin(Estimator e) {
            log.add(tag + ":trainBegin");
        }

        @Override
        public void epochBegin(Estimator e) {
            log.add(tag + ":epochBegin");
        }

        @Override
        public void batchBegin(Estimator e, List<NDArray> batch) {
            log.add(tag + ":batchBegin");
        }

        @Override
        public boolean batchEnd(Estimator e, BatchResult r) {
            log.add(tag + ":batchEnd updates=" + e.trainer().optimizer().numUpdate() + " lossSeen="
                    + !Double.isNaN(e.trainValues().getFirst().value()));
            return stopAtBatch;
        }

        @Override
        public boolean epochEnd(Estimator e) {
            log.add(tag + ":epochEnd");
            return stopAtEpoch;
        }

        @Override
        public void trainEnd(Estimator e) {
            log.add(tag + ":trainEnd");
        }
    }

    @Test
    void handlersRunInPriorityOrderAroundTheDefaultUpdateAndMetricHandlers() {
        List<String> log = new ArrayList<>();
        Dense net = FitFixtures.net();
        Estimator est = FitFixtures.estimator(net);
        // -2500 runs before the trainer step (-2000); -1000 ties with the metric handler but was given first;
        // 0 sees both the step and the metric update.
        List<EventHandler> handlers = List.of(new Recorder("late", 0, log), new Recorder("early", -2500, log),
                new Recorder("tie", -1000, log));
        est.fit(FitFixtures.linearData(1, 4, 0), null, 1, handlers);

        assertThat(log).containsExactly(
                "early:trainBegin", "tie:trainBegin", "late:trainBegin",
                "early:epochBegin", "tie:epochBegin", "late:epochBegin",
                "early:batchBegin", "tie:batchBegin", "late:batchBegin",
                "early:batchEnd updates=0 lossSeen=false",
                "tie:batchEnd updates=1 lossSeen=false",
                "late:batchEnd updates=1 lossSeen=true",
                "early:epochEnd", "tie:epochEnd", "late:epochEnd",
                "early:trainEnd", "tie:trainEnd", "late:trainEnd");
    }

    @Test
    void batchEndTrueEndsTheEpochAndEpochEndTrueEndsTraining() {
        List<String> log = new ArrayList<>();
        Recorder stopper = new Recorder("r", 0, log);
        stopper.stopAtBatch = true;
        stopper.stopAtEpoch = true;
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        TrainingHistory h = est.fit(FitFixtures.linearData(3, 2, 0), null, 5, List.of(stopper));

        assertThat(log.stream().filter(s -> s.startsWith("r:batchEnd")).count()).isEqualTo(1);
        assertThat(log.stream().filter(s -> s.equals("r:epochEnd")).count()).isEqualTo(1);
        assertThat(h.size()).isEqualTo(1);
        assertThat(est.trainer().optimizer().numUpdate()).isEqualTo(1);
    }

    @Test
    void batchLimitSpansEpochsAndEndsInsideOne() {
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        TrainingHistory h = est.fitBatches(FitFixtures.linearData(2, 2, 0), null, 5, List.of());
        // 2 batches per epoch: epochs of 2, 2 and 1 batch.
        assertThat(h.size()).isEqualTo(3);
        assertThat(est.trainer().optimizer().numUpdate()).isEqualTo(5);
    }

    @Test
    void defaultHandlersAreAddedOnlyForKindsTheUserDidNotGive() {
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        MetricHandler mine = new MetricHandler(est.trainMetrics(), -7);
        List<EventHandler> all = DefaultHandlers.forFit(est, FitFixtures.linearData(1, 2, 0), List.of(mine));

        assertThat(all.getFirst()).isSameAs(mine);
        assertThat(all.stream().filter(MetricHandler.class::isInstance)).hasSize(1);
        assertThat(all).hasAtLeastOneElementOfType(StoppingHandler.class)
                .hasAtLeastOneElementOfType(GradientUpdateHandler.class)
                .hasAtLeastOneElementOfType(ValidationHandler.class)
                .hasAtLeastOneElementOfType(LoggingHandler.class)
                .hasAtLeastOneElementOfType(HistoryHandler.class);
        assertThat(DefaultHandlers.forFit(est, null, List.of()))
                .noneMatch(ValidationHandler.class::isInstance);
    }

    @Test
    void gluonPrioritiesOfTheDefaultHandlers() {
        assertThat(new GradientUpdateHandler().priority()).isEqualTo(-2000);
        assertThat(new MetricHandler(List.of()).priority()).isEqualTo(-1000);
        assertThat(new ValidationHandler(List.of()).priority()).isEqualTo(-1000);
        assertThat(new StoppingHandler().priority()).isZero();
        assertThat(LoggingHandler.perEpoch().priority()).isEqualTo(Integer.MAX_VALUE);
    }
}
