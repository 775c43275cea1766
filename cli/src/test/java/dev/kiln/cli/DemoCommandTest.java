package dev.kiln.cli;

import dev.kiln.cli.demo.PatternImages;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code kiln demo} run once in-process on a small data set (two epochs), then its files checked one by one and
 * fed to {@code kiln predict}.
 */
class DemoCommandTest {
    private static final int EPOCHS = 2;
    private static final long SEED = 5;

    @TempDir
    static Path dir;
    private static Kiln demo;

    @BeforeAll
    static void runDemo() {
        demo = Kiln.run("demo", "--out", dir, "--epochs", EPOCHS, "--images", 960, "--seed", SEED);
    }

    @Test
    void demoSucceedsReportsThroughputAndAccuracyAndSaysWhereItWroteItsFiles() {
        assertThat(demo.status()).as(demo.err()).isZero();
        assertThat(demo.err()).isEmpty();
        assertThat(demo.out())
                .contains("eager training, 2 epochs:", "hybridized training", "  epoch 2/2 ")
                .containsPattern("training throughput after the first epoch: eager \\d+ samples/s, hybridized "
                        + "\\d+ samples/s, speed-up \\d+\\.\\d\\dx")
                .contains("on 16 validation images the imported model picks the trained net's class for 16")
                .contains("files written to " + dir.toAbsolutePath().normalize() + ":");
        assertThat(demo.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("try: kiln predict --symbol " + dir.resolve("model-symbol.json"));
    }

    @Test
    void printedValidationAccuracyIsTheLastEpochOfTheWrittenHistory() throws IOException {
        Matcher m = Pattern.compile("validation accuracy: eager ([0-9.]+), hybridized ([0-9.]+)").matcher(demo.out());
        assertThat(m.find()).as(demo.out()).isTrue();
        for (String run : new String[] {"eager", "hybridized"}) {
            var lines = Files.readAllLines(dir.resolve(run + ".csv"));
            assertThat(lines).hasSize(EPOCHS + 1);                      // header and one row per epoch
            int column = java.util.Arrays.asList(lines.getFirst().split(",")).indexOf("validation accuracy");
            double last = Double.parseDouble(lines.getLast().split(",")[column]);
            double printed = Double.parseDouble(m.group(run.equals("eager") ? 1 : 2));
            assertThat(printed).isCloseTo(last, within(5e-5));
            assertThat(last).as("better than the 0.25 of guessing").isGreaterThan(0.5);
        }
    }

    @Test
    void exportedParamsHoldEveryLayerParameterWithItsShape() {
        Map<String, NDArray> params = NDArrayFile.loadDict(dir.resolve("model-0000.params"));
        Map<String, Shape> shapes = new LinkedHashMap<>();
        params.forEach((k, v) -> shapes.put(k, v.shape()));
        String outer = "hybridsequential0_";
        Map<String, Shape> expected = new LinkedHashMap<>();
        int in = 1;
        for (int block = 0; block < 2; block++) {
            int c = block == 0 ? 8 : 16;
            String p = outer + "hybridsequential" + block + "_";
            expected.put("arg:" + p + "conv0_weight", Shape.of(c, in, 3, 3));
            expected.put("arg:" + p + "conv0_bias", Shape.of(c));
            expected.put("arg:" + p + "batchnorm0_gamma", Shape.of(c));
            expected.put("arg:" + p + "batchnorm0_beta", Shape.of(c));
            expected.put("aux:" + p + "batchnorm0_running_mean", Shape.of(c));
            expected.put("aux:" + p + "batchnorm0_running_var", Shape.of(c));
            in = c;
        }
        expected.put("arg:" + outer + "dense0_weight", Shape.of(4, 16 * 4 * 4));   // 16 channels of 16/2/2 pixels
        expected.put("arg:" + outer + "dense0_bias", Shape.of(4));
        assertThat(shapes).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(Files.exists(dir.resolve("model-symbol.json"))).isTrue();
        assertThat(Files.exists(dir.resolve("model-metadata.json"))).isTrue();
    }

    @Test
    void sampleInputIsTheFirstValidationBatchAndSampleOutputHoldsOneScorePerClass() {
        Map<String, NDArray> input = NDArrayFile.loadDict(dir.resolve("sample-input.params"));
        assertThat(input.keySet()).containsExactly("data");
        NDArray data = input.get("data");
        assertThat(data.shape()).isEqualTo(Shape.of(16, 1, 16, 16));
        assertThat(data.dtype()).isEqualTo(DType.FLOAT32);
        float[] regenerated = PatternImages.generate(400, SEED + 1).get(0).get(0).toFloatArray();  // image 0
        float[] first = java.util.Arrays.copyOf(data.toFloatArray(), 16 * 16);
        assertThat(first).containsExactly(regenerated);

        Map<String, NDArray> output = NDArrayFile.loadDict(dir.resolve("sample-output.params"));
        assertThat(output.keySet()).containsExactly("output");
        assertThat(output.get("output").shape()).isEqualTo(Shape.of(16, 4));
        assertThat(output.get("output").dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void trainingCurvesArePngImagesAndSvgDocuments() throws Exception {
        for (String run : new String[] {"eager", "hybridized"}) {
            BufferedImage png = ImageIO.read(dir.resolve(run + ".png").toFile());
            assertThat(png).as(run + ".png").isNotNull();
            assertThat(png.getWidth()).isGreaterThan(100);
            Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(dir.resolve(run + ".svg").toFile());
            assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
            assertThat(Files.readString(dir.resolve(run + ".json"))).contains("validation accuracy");
        }
    }

    @Test
    void predictOnTheExportedFilesReproducesTheSampleOutput() {
        NDArray expected = NDArrayFile.loadDict(dir.resolve("sample-output.params")).get("output");
        for (boolean eager : new boolean[] {false, true}) {
            Path result = dir.resolve(eager ? "predict-eager.params" : "predict.params");
            Kiln r = eager
                    ? Kiln.run("predict", "--symbol", dir.resolve("model-symbol.json"), "--params",
                            dir.resolve("model-0000.params"), "--input", dir.resolve("sample-input.params"),
                            "--output", result, "--eager")
                    : Kiln.run("predict", "--symbol", dir.resolve("model-symbol.json"), "--params",
                            dir.resolve("model-0000.params"), "--input", dir.resolve("sample-input.params"),
                            "--output", result);
            assertThat(r.status()).as(r.err()).isZero();
            NDArray actual = NDArrayFile.loadDict(result).get("output");
            assertThat(actual.shape()).isEqualTo(expected.shape());
            float[] a = actual.toFloatArray();
            float[] e = expected.toFloatArray();
            for (int i = 0; i < e.length; i++) {
                assertThat(a[i]).as("%s score %d", eager ? "eager" : "hybridized", i)
                        .isCloseTo(e[i], within(eager ? 1e-4f : 1e-6f));
            }
        }
    }

    /** The default data set and net (one epoch here, five by default) already classify the validation images. */
    @Test
    void withTheDefaultDataOneEpochReachesNinetyFivePercentValidationAccuracy(@TempDir Path other) {
        Kiln full = Kiln.run("demo", "--out", other, "--epochs", 1);
        assertThat(full.status()).as(full.err()).isZero();
        Matcher m = Pattern.compile("validation accuracy: eager ([0-9.]+), hybridized ([0-9.]+)").matcher(full.out());
        assertThat(m.find()).as(full.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(0.95);
        assertThat(Double.parseDouble(m.group(2))).isGreaterThanOrEqualTo(0.95);
        assertThat(full.out()).contains("training throughput: eager ");   // one epoch: no warm-up to leave out
    }

    @Test
    void badArgumentsGiveOneLineAndANonZeroStatus() throws IOException {
        Kiln zero = Kiln.run("demo", "--epochs", 0, "--out", dir.resolve("unused"));
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.errLines()).isEqualTo(1);
        assertThat(zero.err()).startsWith("kiln demo: --epochs must be at least 1, got 0");

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Kiln notDir = Kiln.run("demo", "--out", file);
        assertThat(notDir.status()).isEqualTo(1);
        assertThat(notDir.errLines()).isEqualTo(1);
        assertThat(notDir.err()).contains("kiln demo: error: cannot write into " + file + ": it is a file");
        assertThat(Files.exists(dir.resolve("unused"))).isFalse();
    }
}
