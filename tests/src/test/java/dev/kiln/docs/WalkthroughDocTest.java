package dev.kiln.docs;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parameter.Parameter;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps docs/WALKTHROUGH.md true: every generated block on the page (a fenced block after a
 * {@code <!-- walkthrough:NAME -->} marker) must equal what the code produces now, up to the counters in generated
 * class names. Run with {@code -Dkiln.docs.update=true} to rewrite the blocks from the current output.
 */
@ExtendWith(FreshNames.class)
class WalkthroughDocTest {
    private static final String UPDATE_PROPERTY = "kiln.docs.update";

    @Test
    void everyGeneratedBlockOnThePageIsWhatTheCodeProducesNow() throws IOException {
        Path root = repositoryRoot();
        Path page = root.resolve("docs/WALKTHROUGH.md");
        Map<String, String> fresh = new LinkedHashMap<>();
        fresh.put("block", source(root.resolve("tests/src/test/java/dev/kiln/docs/ScaledRelu.java")));
        fresh.put("usage", usage(root.resolve("tests/src/test/java/dev/kiln/docs/WalkthroughRun.java")));
        fresh.putAll(new WalkthroughRun().artifacts());
        String text = Files.readString(page);
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            text = DocBlocks.write(text, fresh);
            Files.writeString(page, text);
        }
        Map<String, String> onPage = DocBlocks.read(text);
        assertThat(onPage.keySet()).as("the generated blocks of %s (markers <!-- walkthrough:NAME -->)", page)
                .containsExactlyInAnyOrderElementsOf(fresh.keySet());
        StringBuilder stale = new StringBuilder();
        for (var e : fresh.entrySet()) {
            String expected = DocBlocks.normalised(e.getValue());
            String actual = DocBlocks.normalised(onPage.get(e.getKey()));
            if (!expected.equals(actual)) {
                stale.append("\nwalkthrough:").append(e.getKey()).append(", ")
                        .append(DocBlocks.firstDifference(actual, expected));
            }
        }
        if (!stale.isEmpty()) {
            fail("docs/WALKTHROUGH.md has stale blocks; rerun this test with -D" + UPDATE_PROPERTY
                    + "=true to rewrite them from the current code, and read the diff:" + stale);
        }
    }

    @Test
    void theCompiledBlockComputesReluOfTheShiftedDenseLayerAndItsGradients() {
        WalkthroughRun run = new WalkthroughRun();
        Parameter weight = run.net.collectParams().asMap().get("scaledrelu0_dense0_weight");
        Parameter bias = run.net.collectParams().asMap().get("scaledrelu0_dense0_bias");
        Parameter shift = run.net.collectParams().asMap().get("scaledrelu0_shift");
        double[] w = weight.data().toDoubleArray();
        double[] x = run.x.toDoubleArray();
        double[] zeros = new double[3];
        assertThat(run.y).isCloseTo(expected(x, w, zeros, zeros), 1e-6, 1e-7);
        double[] dw = new double[12];
        double[] db = new double[3];
        double[] h = expected(x, w, zeros, zeros);
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 3; j++) {
                double active = h[n * 3 + j] > 0 ? 1 : 0;
                db[j] += active;
                for (int i = 0; i < 4; i++) {
                    dw[j * 4 + i] += active * x[n * 4 + i];
                }
            }
        }
        assertThat(weight.grad()).isCloseTo(dw, 1e-6, 1e-7);
        assertThat(bias.grad()).isCloseTo(db, 0, 0);
        assertThat(shift.grad()).isCloseTo(db, 0, 0);

        double[] b = {0.25, -0.5, 0.125};
        double[] s = {0.5, 0.25, -1};
        bias.setData(NDArray.of(Shape.of(3), DType.FLOAT32, b));
        shift.setData(NDArray.of(Shape.of(3), DType.FLOAT32, s));
        assertThat(run.net.call(run.x)).isCloseTo(expected(x, w, b, s), 1e-6, 1e-7);
    }

    /** {@code relu(x W^T + b + s)} for x (2, 4) and W (3, 4), in double: what {@code 0.5 * (relu + relu)} is. */
    private static double[] expected(double[] x, double[] w, double[] b, double[] s) {
        double[] out = new double[6];
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 3; j++) {
                double v = b[j] + s[j];
                for (int i = 0; i < 4; i++) {
                    v += x[n * 4 + i] * w[j * 4 + i];
                }
                out[n * 3 + j] = Math.max(v, 0);
            }
        }
        return out;
    }

    /** The block's source as the page shows it: from its Javadoc to the end. */
    private static String source(Path file) throws IOException {
        String text = Files.readString(file);
        return text.substring(text.indexOf("/**")).strip();
    }

    /** The lines between {@code // walkthrough:usage} and {@code // end walkthrough:usage}, unindented. */
    private static String usage(Path file) throws IOException {
        String text = Files.readString(file);
        int from = text.indexOf('\n', text.indexOf("// walkthrough:usage")) + 1;
        int to = text.lastIndexOf('\n', text.indexOf("// end walkthrough:usage"));
        return text.substring(from, to).stripIndent().strip();
    }

    /** The checkout's root: the nearest directory up from here with {@code docs/ARCHITECTURE.md}. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docs/ARCHITECTURE.md"))) {
                return p;
            }
        }
        throw new AssertionError("no docs/ARCHITECTURE.md above " + Path.of("").toAbsolutePath());
    }
}
