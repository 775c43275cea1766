package dev.kiln.cli;

import dev.kiln.block.ExportMetadata;
import dev.kiln.io.NDArrayFile;
import dev.kiln.io.Npy;
import dev.kiln.io.Npz;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code kiln predict} on models Kiln exported in the test, hybridized and eager, every output format. */
class PredictCommandTest {
    @TempDir
    Path dir;

    private static void assertClose(NDArray actual, NDArray expected) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        assertThat(actual.dtype()).isEqualTo(expected.dtype());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(1e-5f));
        }
    }

    private Kiln predict(ExportedModels.Exported m, Path input, Object... extra) {
        Object[] args = new Object[7 + extra.length];
        Object[] base = {"predict", "--symbol", m.symbol(), "--params", m.params(), "--input", input};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Kiln r = Kiln.run(args);
        assertThat(r.status()).as(r.err()).isZero();
        return r;
    }

    @Test
    void hybridizedAndEagerPredictionsMatchTheExportedBlockInEveryFormat() {
        ExportedModels.Exported m = ExportedModels.cnn(dir);
        NDArray expected = m.expected().getFirst();
        Path input = dir.resolve("x.npy");
        Npy.write(input, m.inputs().getFirst());

        predict(m, input, "--output", dir.resolve("hybrid.params"));
        predict(m, input, "--output", dir.resolve("eager.npz"), "--eager");
        predict(m, input, "--output", dir.resolve("hybrid.npy"));

        Map<String, NDArray> hybrid = NDArrayFile.loadDict(dir.resolve("hybrid.params"));
        assertThat(hybrid.keySet()).containsExactly("output");
        assertClose(hybrid.get("output"), expected);
        Map<String, NDArray> eager = Npz.read(dir.resolve("eager.npz"));
        assertThat(eager.keySet()).containsExactly("output");
        assertClose(eager.get("output"), expected);
        assertClose(Npy.read(dir.resolve("hybrid.npy")), eager.get("output"));
    }

    @Test
    void aGluonStylePairWithoutMetadataTakesOneArrayAsData() throws IOException {
        ExportedModels.Exported m = ExportedModels.cnn(dir);
        Files.delete(ExportMetadata.beside(m.symbol()).orElseThrow());   // as MXNet's Gluon export leaves it
        Path input = dir.resolve("x.npy");
        Npy.write(input, m.inputs().getFirst());
        predict(m, input, "--output", dir.resolve("y.npy"));
        assertClose(Npy.read(dir.resolve("y.npy")), m.expected().getFirst());
    }

    @Test
    void summaryNamesTheModeShapesAndGraphOutputs() {
        ExportedModels.Exported m = ExportedModels.cnn(dir);
        Path input = dir.resolve("x.params");
        NDArrayFile.save(input, Map.of("data", m.inputs().getFirst()));
        Kiln r = predict(m, input);
        assertThat(r.out()).contains("(hybridized): 1 input -> 1 output");
        String graphOutput = m.block().trace(true).listOutputs().getFirst();
        String row = r.out().lines().filter(l -> l.startsWith("output (")).findFirst().orElseThrow();
        assertThat(row).contains(graphOutput, "float32", "(2, 3)", " 6 ");
        float[] y = m.expected().getFirst().toFloatArray();
        float max = Float.NEGATIVE_INFINITY;
        for (float v : y) {
            max = Math.max(max, v);
        }
        String[] cells = row.split("\\s{2,}");              // label, dtype, shape, size, min, max, ...
        assertThat(Double.parseDouble(cells[5])).isCloseTo(max, within(1e-5));
        assertThat(predict(m, input, "--eager").out()).contains("(eager)");
    }

    @Test
    void inputsAreNamedByTheFileKeysInWhateverOrderTheyComeWithoutMetadata() throws IOException {
        ExportedModels.Exported m = ExportedModels.scaleAdd(dir);
        Files.delete(ExportMetadata.beside(m.symbol()).orElseThrow());
        Map<String, NDArray> reversed = new LinkedHashMap<>();
        reversed.put("data1", m.inputs().get(1));
        reversed.put("data0", m.inputs().get(0));
        Path input = dir.resolve("in.npz");
        Npz.write(input, reversed);
        predict(m, input, "--output", dir.resolve("out.npz"));
        Map<String, NDArray> out = Npz.read(dir.resolve("out.npz"));
        assertThat(out.keySet()).containsExactly("output0", "output1");

        float[] x = m.inputs().get(0).toFloatArray();
        float[] y = m.inputs().get(1).toFloatArray();
        float[] scale = ((ExportedModels.ScaleAdd) m.block()).scale().toFloatArray();
        float[] sum = out.get("output0").toFloatArray();
        float[] tanh = out.get("output1").toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(sum[i]).isCloseTo(x[i] * scale[i % 3] + y[i], within(1e-5f));
            assertThat(tanh[i]).isCloseTo((float) Math.tanh(x[i]), within(1e-5f));
        }
    }

    @Test
    void keylessInputsAreDataZeroDataOneWithOrWithoutMetadata() throws IOException {
        ExportedModels.Exported m = ExportedModels.scaleAdd(dir);
        Path input = dir.resolve("in.params");
        NDArrayFile.save(input, List.of(m.inputs().get(0), m.inputs().get(1)));
        predict(m, input, "--output", dir.resolve("with-meta.params"));
        Files.delete(ExportMetadata.beside(m.symbol()).orElseThrow());
        predict(m, input, "--output", dir.resolve("without-meta.params"), "--eager");
        for (String f : List.of("with-meta.params", "without-meta.params")) {
            Map<String, NDArray> out = NDArrayFile.loadDict(dir.resolve(f));
            assertClose(out.get("output0"), m.expected().get(0));
            assertClose(out.get("output1"), m.expected().get(1));
        }
    }

    @Test
    void numPyPositionalKeysCountAsKeyless() throws IOException {
        ExportedModels.Exported m = ExportedModels.scaleAdd(dir);
        Files.delete(ExportMetadata.beside(m.symbol()).orElseThrow());
        Path input = dir.resolve("savez.npz");
        Map<String, NDArray> positional = new LinkedHashMap<>();
        positional.put("arr_0", m.inputs().get(0));
        positional.put("arr_1", m.inputs().get(1));
        Npz.write(input, positional);
        predict(m, input, "--output", dir.resolve("out.params"));
        assertClose(NDArrayFile.loadDict(dir.resolve("out.params")).get("output0"), m.expected().get(0));
    }

    @Test
    void badRequestsAreOneLineErrors() throws IOException {
        ExportedModels.Exported m = ExportedModels.scaleAdd(dir);
        Path input = dir.resolve("in.params");
        NDArrayFile.save(input, List.of(m.inputs().get(0), m.inputs().get(1)));
        Object[][] cases = {
            {"predict", "--symbol", m.symbol(), "--params", dir.resolve("missing.params"), "--input", input},
            {"predict", "--symbol", m.symbol(), "--params", m.params(), "--input", input, "--output",
                dir.resolve("two.npy")},
            {"predict", "--symbol", m.symbol(), "--params", m.params(), "--input", input, "--output",
                dir.resolve("out.csv")},
            {"predict", "--symbol", m.symbol(), "--params", m.params(), "--input", dir.resolve("x.npy")},
        };
        String[] fragments = {"missing.params", "exactly one array, got 2", "out.csv", "x.npy"};
        for (int i = 0; i < cases.length; i++) {
            Kiln r = Kiln.run(cases[i]);
            assertThat(r.status()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).as("case %d", i).contains(fragments[i]).hasLineCount(1).doesNotContain("\tat ");
        }
        Path wrongName = dir.resolve("named.npz");
        Map<String, NDArray> named = new LinkedHashMap<>();
        named.put("x", m.inputs().get(0));
        named.put("y", m.inputs().get(1));
        Npz.write(wrongName, named);
        Kiln r = Kiln.run("predict", "--symbol", m.symbol(), "--params", m.params(), "--input", wrongName);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("[x, y]").hasLineCount(1);
    }
}
