package dev.kiln.examples.metalhead;

import dev.kiln.examples.ExampleRun;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The conv_norm example as a program: four sequences, eager and hybridized agree, outputs saved. */
@ExtendWith(FreshNames.class)
class ConvNormExamplesMainTest {

    @Test
    void everySequenceAgreesEagerAndHybridizedAndItsOutputIsSaved(@TempDir Path dir) {
        ExampleRun run = ExampleRun.of(ConvNormExamples::main, dir);
        Matcher m = Pattern.compile("max difference ([0-9.eE+-]+)").matcher(run.printed());
        int lines = 0;
        while (m.find()) {
            assertThat(Double.parseDouble(m.group(1))).isLessThan(1e-4);
            lines++;
        }
        assertThat(lines).isEqualTo(4);
        Map<String, NDArray> saved = NDArrayFile.loadDict(dir.resolve("conv-norm.params"));
        assertThat(saved.keySet()).containsExactly("plain", "sigmoid", "groupnorm", "batchnorm-eps");
        saved.values().forEach(y -> assertThat(y).hasShape(2, 64, 4, 4));
        for (double v : saved.get("sigmoid").toDoubleArray()) {
            assertThat(v).isBetween(0.0, 1.0);
        }
        for (double v : saved.get("plain").toDoubleArray()) {
            assertThat(v).isGreaterThanOrEqualTo(0.0);
        }
    }
}
