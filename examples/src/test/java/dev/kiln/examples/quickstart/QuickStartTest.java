package dev.kiln.examples.quickstart;

import dev.kiln.block.SymbolBlock;
import dev.kiln.examples.ExampleRun;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The README's quick start runs: training lowers the loss; the exported model predicts what the trained one did. */
@ExtendWith(FreshNames.class)
class QuickStartTest {
    @TempDir
    Path dir;

    @Test
    void trainsExportsAndImportsAModelThatPredictsAsBefore() {
        ExampleRun run = ExampleRun.of(QuickStart::main, dir);
        double first = run.number("step 1: loss ([0-9.]+)");
        double last = run.number("step 40: loss ([0-9.]+)");
        assertThat(last).isLessThan(0.25 * first);
        assertThat(run.number("differ by ([0-9.eE+-]+)")).isLessThanOrEqualTo(1e-6);

        assertThat(dir.resolve("model-symbol.json")).exists();
        Map<String, NDArray> params = NDArrayFile.loadDict(dir.resolve("model-0000.params"));
        // the deferred weight got its input width (8) from the first forward; the constant kept its value
        assertThat(params.get("arg:hybridsequential0_scaleddense0_weight")).hasShape(1, 8);
        assertThat(params.get("arg:hybridsequential0_scaleddense0_scale")).isCloseTo(new double[] {2}, 0, 0);

        // a fresh import predicts the saved outputs for the saved inputs
        NDArray x = NDArrayFile.loadDict(dir.resolve("sample-input.params")).get("data");
        NDArray expected = NDArrayFile.loadDict(dir.resolve("sample-output.params")).get("output");
        assertThat(x).hasShape(64, 3);
        NDArray y = SymbolBlock.imports(dir.resolve("model-symbol.json"), dir.resolve("model-0000.params")).call(x);
        assertThat(y).isCloseTo(expected, 1e-6, 1e-7);
        // and it learnt the target, the sum of the features (within the fit 40 Adam steps reach)
        double[] xv = x.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < 64; i++) {
            double target = xv[3 * i] + xv[3 * i + 1] + xv[3 * i + 2];
            worst = Math.max(worst, Math.abs(y.getDouble(i) - target));
        }
        assertThat(worst).isLessThan(1.0);
        assertThat(y.shape()).isEqualTo(Shape.of(64, 1));
    }
}
