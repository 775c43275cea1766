package dev.kiln.training;

import dev.kiln.block.HybridSequential;
import dev.kiln.data.DataLoader;
import dev.kiln.estimator.CheckpointHandler;
import dev.kiln.estimator.EpochEnd;
import dev.kiln.estimator.Estimator;
import dev.kiln.estimator.TrainingHistory;
import dev.kiln.init.Xavier;
import dev.kiln.loss.SoftmaxCrossEntropyLoss;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.trainer.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #9's end-to-end check: a run checkpointed every epoch and stopped after two of four epochs, then reloaded
 * into a new net and trainer and resumed, ends with exactly the parameters and optimizer state (Adam's moments and
 * update counts) of an uninterrupted four-epoch run. The data is shuffled with a seed: the resume positions the
 * loader at the epoch that comes next, so the resumed epochs see the same batches as the uninterrupted ones.
 */
@ExtendWith(FreshNames.class)
class CheckpointResumeTest {
    private static final int EPOCHS = 4;

    @TempDir
    Path dir;

    private record Run(HybridSequential net, Estimator estimator) {
    }

    private static Run newRun() {
        HybridSequential net = SyntheticImagesFitTest.cnn();
        Random.seed(5);
        net.initialize(new Xavier());
        Trainer trainer = new Trainer(net.collectParams(), "adam", Map.of("learning_rate", 0.01));
        return new Run(net, Estimator.builder(net, new SoftmaxCrossEntropyLoss()).trainer(trainer).build());
    }

    private static DataLoader data() {
        return DataLoader.builder(StripesAndBlobs.dataset(96, 3)).batchSize(16).shuffle(true).seed(1).build();
    }

    private static List<float[]> values(HybridSequential net) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : net.collectParams().values()) {
            out.add(p.data().toFloatArray());
        }
        return out;
    }

    @Test
    void resumedRunEndsWithTheSameParametersAndOptimizerStateAsAnUninterruptedOne() throws Exception {
        Run straight = newRun();
        straight.estimator().fit(data(), null, EPOCHS);

        Path ckpt = dir.resolve("ckpt");
        Run interrupted = newRun();
        EpochEnd stopAfterTwo = new EpochEnd() {
            private int epochs;

            @Override
            public boolean epochEnd(Estimator e) {
                return ++epochs == 2;
            }

            @Override
            public int priority() {
                return 10;
            }
        };
        TrainingHistory first = interrupted.estimator().fit(data(), null, EPOCHS,
                List.of(CheckpointHandler.builder(ckpt).build(), stopAfterTwo));
        assertThat(first.size()).isEqualTo(2);

        Run resumed = newRun();
        TrainingHistory rest = resumed.estimator().fit(data(), null, EPOCHS,
                List.of(CheckpointHandler.builder(ckpt).resumeFromCheckpoint(true).build()));
        assertThat(rest.size()).isEqualTo(2);

        assertThat(values(resumed.net())).hasSameSizeAs(values(straight.net()));
        for (int i = 0; i < values(straight.net()).size(); i++) {
            assertThat(values(resumed.net()).get(i)).containsExactly(values(straight.net()).get(i));
        }
        assertThat(resumed.estimator().trainer().optimizer().numUpdate()).isEqualTo(4L * 6);
        Path a = dir.resolve("straight.states");
        Path b = dir.resolve("resumed.states");
        straight.estimator().trainer().saveStates(a);
        resumed.estimator().trainer().saveStates(b);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        assertThat(Files.exists(ckpt.resolve("model-epoch3batch24.params"))).isTrue();
    }
}
