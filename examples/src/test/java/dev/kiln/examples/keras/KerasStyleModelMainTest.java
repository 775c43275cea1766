package dev.kiln.examples.keras;

import dev.kiln.examples.ExampleRun;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The Keras-style example as a program: Keras's parameter count, inferred shapes, the summary file. */
@ExtendWith(FreshNames.class)
class KerasStyleModelMainTest {

    @Test
    void printsKerasParameterCountAndInferredShapesAndWritesTheSummary(@TempDir Path dir) {
        ExampleRun run = ExampleRun.of(KerasStyleModel::main, dir);
        assertThat(run.number("convnet parameters: (\\d+)")).isEqualTo(1_199_882); // Keras's summary of the model
        assertThat(run.printed()).contains("convnet output shape for (2, 1, 28, 28): [(2, 10)]")
                .contains("LazyDense kernel inferred as (36, 10)");
        assertThat(dir.resolve("summary.txt")).content().contains("1199882").contains("(1, 10)");
    }
}
