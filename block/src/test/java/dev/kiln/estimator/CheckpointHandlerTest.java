package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.nn.Dense;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class CheckpointHandlerTest {
    @TempDir
    Path dir;

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void keepsOnlyTheNewestMaxCheckpointsNamedByEpochAndBatchesDone() throws IOException {
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        CheckpointHandler ckpt = CheckpointHandler.builder(dir).maxCheckpoints(2).build();
        est.fit(FitFixtures.linearData(3, 2, 0), null, 4, List.of(ckpt));

        // Gluon's numbering at epoch end: epoch from 0, batches counted over the whole run.
        assertThat(files()).containsExactly("model-epoch2batch9.params", "model-epoch2batch9.states",
                "model-epoch3batch12.params", "model-epoch3batch12.states");
        assertThat(ckpt.savedCheckpoints()).containsExactly("model-epoch2batch9", "model-epoch3batch12");
    }

    @Test
    void batchPeriodSavesAtBatchEndsWithTheBatchIndex() throws IOException {
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        CheckpointHandler ckpt = CheckpointHandler.builder(dir).prefix("net").epochPeriod(0).batchPeriod(2).build();
        est.fit(FitFixtures.linearData(3, 2, 0), null, 2, List.of(ckpt));
        assertThat(files()).containsExactly("net-epoch0batch1.params", "net-epoch0batch1.states",
                "net-epoch1batch3.params", "net-epoch1batch3.states", "net-epoch1batch5.params",
                "net-epoch1batch5.states");
    }

    @Test
    void saveBestKeepsTheParametersOfTheBestMonitoredEpoch() throws IOException {
        Dense net = FitFixtures.net();
        Estimator est = FitFixtures.estimator(net);
        var monitor = new FitFixtures.Scripted("validation score");
        double[] script = {0.3, 0.9, 0.5, 0.7};
        List<Map<String, double[]>> atEpochEnd = new ArrayList<>();
        EpochEnd before = new EpochEnd() {
            @Override
            public boolean epochEnd(Estimator e) {
                monitor.value = script[atEpochEnd.size()];
                atEpochEnd.add(FitFixtures.snapshot(net));
                return false;
            }

            @Override
            public int priority() {
                return -100;
            }
        };
        CheckpointHandler ckpt = CheckpointHandler.builder(dir).monitor(monitor).saveBest(true)
                .mode(MonitorMode.MAX).build();
        est.fit(FitFixtures.linearData(2, 2, 0), null, 4, List.of(before, ckpt));

        assertThat(files()).contains("model-best.params", "model-best.states");
        assertThat(ckpt.best()).isEqualTo(0.9);
        Dense reloaded = FitFixtures.net();
        reloaded.loadParameters(dir.resolve("model-best.params"));
        assertThat(FitFixtures.flat(FitFixtures.snapshot(reloaded))).containsExactly(FitFixtures.flat(atEpochEnd.get(1)));
        assertThat(FitFixtures.flat(FitFixtures.snapshot(net))).isNotEqualTo(FitFixtures.flat(atEpochEnd.get(1)));
    }

    @Test
    void resumeTrainsOnlyWhatIsLeftAndEndsWhereAnUninterruptedRunEnds() throws IOException {
        List<List<dev.kiln.ndarray.NDArray>> data = FitFixtures.linearData(3, 2, 0);
        Dense straight = FitFixtures.net();
        Estimator full = FitFixtures.estimator(straight);
        full.fit(data, null, 4);

        Dense first = FitFixtures.net();
        FitFixtures.estimator(first).fit(data, null, 2, List.of(CheckpointHandler.builder(dir).build()));

        Dense resumedNet = FitFixtures.net();
        Estimator resumed = FitFixtures.estimator(resumedNet);
        CheckpointHandler ckpt = CheckpointHandler.builder(dir).resumeFromCheckpoint(true).build();
        TrainingHistory h = resumed.fit(data, null, 4, List.of(ckpt));

        assertThat(h.size()).isEqualTo(2);
        assertThat(resumed.trainer().optimizer().numUpdate()).isEqualTo(full.trainer().optimizer().numUpdate());
        assertThat(FitFixtures.flat(FitFixtures.snapshot(resumedNet)))
                .containsExactly(FitFixtures.flat(FitFixtures.snapshot(straight)));
        // Numbering continues: the resumed run's epochs are the 3rd and 4th.
        assertThat(files()).contains("model-epoch3batch12.params");
        Path a = dir.resolve("full.states");
        Path b = dir.resolve("resumed.states");
        full.trainer().saveStates(a);
        resumed.trainer().saveStates(b);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void resumeRefusesACheckpointThatAlreadyReachedTheLimitAndMixedPeriods() {
        List<List<dev.kiln.ndarray.NDArray>> data = FitFixtures.linearData(1, 2, 0);
        FitFixtures.estimator(FitFixtures.net()).fit(data, null, 2, List.of(CheckpointHandler.builder(dir).build()));
        Estimator again = FitFixtures.estimator(FitFixtures.net());
        assertThatThrownBy(() -> again.fit(data, null, 2,
                List.of(CheckpointHandler.builder(dir).resumeFromCheckpoint(true).build())))
                .isInstanceOf(KilnException.class).hasMessageContaining("model-epoch1batch2")
                .hasMessageContaining("2 epochs");
        assertThatThrownBy(() -> again.fit(data, null, 3,
                List.of(CheckpointHandler.builder(dir).batchPeriod(1).resumeFromCheckpoint(true).build())))
                .hasMessageContaining("batchPeriod 0");
    }

    @Test
    void saveBestWithoutMonitorIsRejected() {
        assertThatThrownBy(() -> CheckpointHandler.builder(dir).saveBest(true).build())
                .isInstanceOf(KilnException.class).hasMessageContaining("monitor");
    }

    @Test
    void aHybridizedNetsGraphIsWrittenOnceAsSymbolJson() throws IOException {
        Dense net = FitFixtures.net();
        net.hybridize();
        Estimator est = FitFixtures.estimator(net);
        est.fit(FitFixtures.linearData(2, 2, 0), null, 1, List.of(CheckpointHandler.builder(dir).build()));
        var symbol = dev.kiln.symbol.Symbol.fromJson(Files.readString(dir.resolve("model-symbol.json")));
        assertThat(symbol.listArguments()).containsExactly("data", net.weight().name(), net.bias().name());
    }
}
