package dev.kiln.examples.customop;

import dev.kiln.examples.ExampleRun;
import dev.kiln.examples.data.GaussianBlobs;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The custom-operator example as a program: gradients check, the classifier trains, the weights are saved. */
class CustomOpExampleTest {

    @Test
    void mainChecksGradientsInBothModesAndSavesAClassifierThatWorks(@TempDir Path dir) {
        ExampleRun run = ExampleRun.of(CustomOpExample::main, dir);
        assertThat(run.number("training mode\\): \\d+ values, relative error ([0-9.eE+-]+)")).isLessThan(1e-5);
        assertThat(run.number("predict mode\\): \\d+ values, relative error ([0-9.eE+-]+)")).isLessThan(1e-5);
        assertThat(run.number("accuracy [0-9.]+ -> ([0-9.]+)")).isGreaterThan(0.9);

        Map<String, NDArray> saved = NDArrayFile.loadDict(dir.resolve("label-scaled-fc.params"));
        GaussianBlobs data = GaussianBlobs.make(90, CustomOpExample.CLASSES, 5);
        // argmax of the plain layer x W^T + b, computed here
        double[] w = saved.get("weight").toDoubleArray();
        double[] b = saved.get("bias").toDoubleArray();
        int right = 0;
        for (int n = 0; n < data.size(); n++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                double s = data.x().getDouble(2 * n) * w[2 * c] + data.x().getDouble(2 * n + 1) * w[2 * c + 1] + b[c];
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            right += best == (int) data.label().getDouble(n) ? 1 : 0;
        }
        assertThat(right / (double) data.size()).isGreaterThan(0.9);
    }
}
