package dev.kiln.examples.training;

import dev.kiln.examples.ExampleRun;
import dev.kiln.examples.data.GaussianBlobs;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The training example: Estimator.fit lowers the loss, the curves are written, the saved weights classify. */
class TrainingExampleTest {

    @Test
    void fitLowersTheLossWritesTheCurvesAndSavesWeightsThatClassifyTheValidationSet(@TempDir Path dir)
            throws IOException {
        ExampleRun.of(TrainingExample::main, dir);
        for (String ext : List.of("csv", "json", "png", "svg")) {
            assertThat(dir.resolve("training." + ext)).isNotEmptyFile();
        }
        List<String> csv = Files.readAllLines(dir.resolve("training.csv"));
        List<String> header = Arrays.asList(csv.getFirst().split(","));
        assertThat(csv).hasSize(1 + TrainingExample.EPOCHS);
        int loss = header.indexOf("training loss");
        int valAccuracy = header.indexOf("validation accuracy");
        assertThat(loss).as(csv.getFirst()).isNotNegative();
        assertThat(valAccuracy).as(csv.getFirst()).isNotNegative();
        double firstLoss = Double.parseDouble(csv.get(1).split(",")[loss]);
        double lastLoss = Double.parseDouble(csv.getLast().split(",")[loss]);
        assertThat(lastLoss).isLessThan(0.5 * firstLoss);
        assertThat(Double.parseDouble(csv.getLast().split(",")[valAccuracy])).isGreaterThan(0.9);

        // the saved parameters, applied here by hand (relu(x W1^T + b1) W2^T + b2), classify the validation set
        Map<String, NDArray> p = NDArrayFile.loadDict(dir.resolve("training.params"));
        assertThat(p.keySet()).containsExactlyInAnyOrder("0.weight", "0.bias", "1.weight", "1.bias");
        GaussianBlobs val = GaussianBlobs.make(90, 3, 2);
        double[] w1 = p.get("0.weight").toDoubleArray();
        double[] b1 = p.get("0.bias").toDoubleArray();
        double[] w2 = p.get("1.weight").toDoubleArray();
        double[] b2 = p.get("1.bias").toDoubleArray();
        int right = 0;
        for (int n = 0; n < val.size(); n++) {
            double[] h = new double[16];
            for (int j = 0; j < 16; j++) {
                h[j] = Math.max(0, val.x().getDouble(2 * n) * w1[2 * j] + val.x().getDouble(2 * n + 1) * w1[2 * j + 1]
                        + b1[j]);
            }
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                double s = b2[c];
                for (int j = 0; j < 16; j++) {
                    s += h[j] * w2[16 * c + j];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            right += best == (int) val.label().getDouble(n) ? 1 : 0;
        }
        assertThat(right / 90.0).isGreaterThan(0.9);
    }
}
