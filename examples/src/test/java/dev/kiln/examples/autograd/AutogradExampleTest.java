package dev.kiln.examples.autograd;

import dev.kiln.examples.ExampleRun;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The autograd example: a custom Function with a checked gradient, and a second derivative through createGraph. */
class AutogradExampleTest {

    @Test
    void softplusDoesNotOverflowWhereTheNaiveFormulaDoes() {
        NDArray y = new AutogradExample.Softplus().call(NDArray.of(Shape.of(3), -100f, 0f, 100f));
        assertThat(y).isCloseTo(new double[] {0, Math.log(2), 100}, 1e-6, 1e-7);
    }

    @Test
    void mainChecksTheGradientAndWritesTanhDerivativesMatchingTheClosedForm(@TempDir Path dir) {
        ExampleRun run = ExampleRun.of(AutogradExample::main, dir);
        assertThat(run.printed()).contains("Infinity"); // the naive formula at 100, in float32
        assertThat(run.number("relative error ([0-9.eE+-]+)")).isLessThan(1e-6);
        assertThat(run.number("max difference ([0-9.eE+-]+)")).isLessThan(1e-10);

        Map<String, NDArray> saved = NDArrayFile.loadDict(dir.resolve("tanh-derivatives.params"));
        double[] x = saved.get("x").toDoubleArray();
        assertThat(x).hasSize(7);
        double[] first = new double[7];
        double[] second = new double[7];
        for (int i = 0; i < 7; i++) {
            double t = Math.tanh(x[i]);
            first[i] = 1 - t * t;
            second[i] = -2 * t * (1 - t * t);
        }
        assertThat(saved.get("first")).isCloseTo(first, 1e-12, 1e-12);
        assertThat(saved.get("second")).isCloseTo(second, 1e-12, 1e-12);
        assertThat(x[0]).isEqualTo(-3.0);
        assertThat(x[6]).isEqualTo(3.0);
    }
}
