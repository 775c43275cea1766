package dev.kiln.trainer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.Parameter;
import dev.kiln.testing.FuzzLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.kiln.trainer.TrainerFixtures.backward;
import static dev.kiln.trainer.TrainerFixtures.param;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the optimizer-state file reader ({@link Trainer#loadStates}): whatever the bytes, loading into a
 * momentum-SGD trainer over parameters {@code a} (3 values) and {@code b} (1 value) either succeeds, leaving states
 * of the parameters' shapes, or raises a {@link KilnException} and leaves the trainer as it was. The suite replays
 * the seeds in {@code TrainerStatesFuzzTestInputs/} (files this trainer saves: before and after updates) and runs a
 * fixed mutation loop; {@code JAZZER_FUZZ=1 mvn ... -Dtest=TrainerStatesFuzzTest} fuzzes with coverage guidance.
 */
class TrainerStatesFuzzTest {
    private static final FuzzLoop.Scratch SCRATCH = FuzzLoop.scratch(".states");

    private static Trainer trainer() {
        List<Parameter> params = List.of(param("a", 1f, -2f, 0.5f), param("b", 3f));
        return new Trainer(params, TestSgd.of(Map.of("learning_rate", 0.1, "momentum", 0.9)));
    }

    @FuzzTest(maxDuration = "60s")
    void loadStatesRaisesOnlyKilnException(byte[] data) {
        Path file = SCRATCH.holding(data);
        Trainer t = trainer();
        try {
            t.loadStates(file);
        } catch (KilnException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        // what loaded must be usable: one more update with every parameter's state in place
        for (Parameter p : t.parameters()) {
            backward(p, new float[(int) p.shape().size()]);
        }
        t.step(1);
        for (Parameter p : t.parameters()) {
            NDArray w = p.data();
            assertThat(w.shape()).isEqualTo(p.shape());
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fixedMutationRunRaisesOnlyKilnException() {
        FuzzLoop.run(getClass(), "loadStatesRaisesOnlyKilnException", 9, 2_000,
                this::loadStatesRaisesOnlyKilnException);
    }
}
