package dev.kiln.examples.customlayer;

import dev.kiln.examples.ExampleRun;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The tutorial as a program: it trains the hybridized network and saves weights without training the scales. */
@ExtendWith(FreshNames.class)
class CustomLayerTutorialMainTest {

    @Test
    void trainsTheHybridizedNetworkAndSavesDeferredWeightsAndUntouchedScales(@TempDir Path dir) {
        ExampleRun run = ExampleRun.of(CustomLayerTutorial::main, dir);
        assertThat(run.printed()).contains("NormalizationLayer(1..5) = [0.0, 0.25, 0.5, 0.75, 1.0]")
                .contains("NormalizationHybridLayer(1..5) = [0.0, 0.25, 0.5, 0.75, 1.0]");
        double first = run.number("loss ([0-9.]+) ->");
        double last = run.number("-> ([0-9.]+);");
        assertThat(last).isLessThan(first);
        Map<String, NDArray> saved = NDArrayFile.loadDict(dir.resolve("tutorial.params"));
        assertThat(saved.get("1.weights")).hasShape(5, 5);
        assertThat(saved.get("1.scales")).isCloseTo(new double[] {2}, 0, 0);
        assertThat(saved.get("0.weight")).hasShape(5, 2);
    }
}
