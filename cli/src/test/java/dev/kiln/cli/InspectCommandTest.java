package dev.kiln.cli;

import dev.kiln.io.NDArrayFile;
import dev.kiln.io.Npy;
import dev.kiln.io.Npz;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code kiln inspect} on array files (keys, dtypes, shapes, statistics) and symbol files (tables, DOT, SVG). */
class InspectCommandTest {
    @TempDir
    Path dir;

    /** [1, 2, 3, 4]: mean 2.5, population std sqrt(1.25); [1, NaN, inf, -inf, 3]: finite mean 2, std 1. */
    private static Map<String, NDArray> knownArrays() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("weight", NDArray.of(Shape.of(2, 2), DType.FLOAT32, 1, 2, 3, 4));
        m.put("odd", NDArray.of(Shape.of(5), DType.FLOAT64, 1, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 3));
        m.put("count", NDArray.of(Shape.of(1, 3), DType.INT32, -4, 0, 10));
        return m;
    }

    private static String row(Kiln r, String key) {
        return r.out().lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow(
                () -> new AssertionError("no row for " + key + " in\n" + r.out()));
    }

    private static List<String> cells(String row) {
        return List.of(row.trim().split("\\s{2,}"));
    }

    @Test
    void paramsDictRowsGiveDtypeShapeSizeAndStatistics() {
        Path f = dir.resolve("known.params");
        NDArrayFile.save(f, knownArrays());
        Kiln r = Kiln.run("inspect", f);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(f + ": MXNet NDArray file, dict, 3 arrays, 12 elements");
        assertThat(r.out()).contains("key", "dtype", "shape", "size", "min", "max", "mean", "std", "nan", "inf");
        assertThat(cells(row(r, "weight")))
                .containsExactly("weight", "float32", "(2, 2)", "4", "1.00000", "4.00000", "2.50000",
                        ArrayStats.number(Math.sqrt(1.25)), "0", "0");
        assertThat(cells(row(r, "odd")))
                .containsExactly("odd", "float64", "(5,)", "5", "1.00000", "3.00000", "2.00000", "1.00000", "1", "2");
        assertThat(cells(row(r, "count")))
                .containsExactly("count", "int32", "(1, 3)", "3", "-4.00000", "10.0000", "2.00000",
                        ArrayStats.number(Math.sqrt((36 + 4 + 64) / 3.0)), "0", "0");
    }

    @Test
    void npzNpyAndListFilesAreDescribedToo() {
        Path npz = dir.resolve("known.npz");
        Npz.write(npz, knownArrays());
        Kiln z = Kiln.run("inspect", npz);
        assertThat(z.out()).startsWith(npz + ": NumPy .npz archive, 3 arrays");
        assertThat(cells(row(z, "weight")).get(6)).isEqualTo("2.50000");

        Path npy = dir.resolve("one.npy");
        Npy.write(npy, NDArray.of(Shape.of(3), DType.UINT8, 0, 255, 5));
        Kiln y = Kiln.run("inspect", npy);
        assertThat(y.out()).startsWith(npy + ": NumPy .npy array, 1 array, 3 elements");
        assertThat(cells(row(y, "[0]"))).startsWith("[0]", "uint8", "(3,)", "3", "0.00000", "255.000");

        Path list = dir.resolve("list.params");
        NDArrayFile.save(list, List.of(NDArray.ones(2), NDArray.zeros(3)));
        Kiln l = Kiln.run("inspect", list);
        assertThat(l.out()).contains("list, 2 arrays");
        assertThat(cells(row(l, "[1]"))).startsWith("[1]", "float32", "(3,)", "3", "0.00000", "0.00000");
    }

    @Test
    void emptyAndAllNaNArraysHaveNoStatistics() {
        Path f = dir.resolve("edge.params");
        NDArrayFile.save(f, Map.of("nan", NDArray.of(Shape.of(2), DType.FLOAT32, Double.NaN, Double.NaN),
                "none", NDArray.of(Shape.of(0), DType.FLOAT32)));
        Kiln r = Kiln.run("inspect", f);
        assertThat(cells(row(r, "nan"))).containsExactly("nan", "float32", "(2,)", "2", "-", "-", "-", "-", "2", "0");
        assertThat(cells(row(r, "none"))).containsExactly("none", "float32", "(0,)", "0", "-", "-", "-", "-", "0",
                "0");
    }

    @Test
    void symbolReportListsInputsParametersWithShapesOutputsOpsAndSummary() {
        ExportedModels.Exported m = ExportedModels.cnn(dir);
        Kiln r = Kiln.run("inspect", m.symbol());
        assertThat(r.status()).as(r.err()).isZero();
        String prefix = m.block().prefix();
        assertThat(r.out()).contains("parameters from: " + m.params());
        assertThat(r.out()).contains("Inputs (1):").contains("Outputs (1):").contains("Ops:").contains("Summary:");
        assertThat(cells(row(r, "  data"))).containsExactly("data", "(2, 1, 5, 5)");
        assertThat(cells(row(r, "  " + prefix + "conv0_weight")))
                .containsExactly(prefix + "conv0_weight", "arg", "(2, 1, 3, 3)", "float32", "18");
        assertThat(cells(row(r, "  " + prefix + "batchnorm0_running_var")))
                .containsExactly(prefix + "batchnorm0_running_var", "aux", "(2,)", "float32", "2");
        assertThat(cells(row(r, "  " + prefix + "dense0_weight")))
                .containsExactly(prefix + "dense0_weight", "arg", "(3, 18)", "float32", "54");
        assertThat(r.out()).contains("Parameters (8, 85 elements known):");
        for (String op : List.of("Convolution", "BatchNorm", "Activation", "Flatten", "FullyConnected")) {
            assertThat(cells(row(r, "  " + op))).containsExactly(op, "1");
        }
        String output = m.block().trace(true).listOutputs().getFirst();
        assertThat(cells(row(r, "  " + output))).containsExactly(output, "(2, 3)");
    }

    @Test
    void symbolWithoutParameterFileShowsUnknownShapesAndDataAsInput() throws IOException {
        ExportedModels.Exported m = ExportedModels.cnn(dir);
        Path alone = Files.createDirectory(dir.resolve("alone")).resolve("net-symbol.json");
        Files.copy(m.symbol(), alone);
        Kiln r = Kiln.run("inspect", alone);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("parameters from: none");
        assertThat(r.out()).contains("Inputs (1):");
        assertThat(cells(row(r, "  data"))).containsExactly("data", "(?, ?, ?, ?)");   // only the rank is known

        Kiln given = Kiln.run("inspect", alone, "--params", m.params());
        assertThat(given.out()).contains("parameters from: " + m.params());
        assertThat(cells(row(given, "  " + m.block().prefix() + "dense0_weight")).get(2)).isEqualTo("(3, 18)");
    }

    @Test
    void dotFileHoldsTheGraphAndSvgIsRenderedWhereGraphvizExists() throws IOException {
        ExportedModels.Exported m = ExportedModels.cnn(dir);
        Path dot = dir.resolve("graph.dot");
        Kiln r = Kiln.run("inspect", m.symbol(), "--dot", dot, "--graphviz", dir.resolve("no-such-dot"));
        assertThat(r.status()).as(r.err()).isZero();
        String text = Files.readString(dot);
        assertThat(text).startsWith("digraph").contains("Convolution").contains("FullyConnected")
                .contains("label=\"1x5x5\"");      // edges carry shapes inferred from the metadata (batch dim left out)
        String printed = Kiln.run("inspect", m.symbol(), "--dot", "-").out();
        assertThat(printed.substring(printed.indexOf("digraph"))).isEqualTo(text);
        assertThat(r.out()).contains("wrote " + dot).contains("SVG not written: Graphviz")
                .contains("not installed");
        assertThat(dir.resolve("graph.svg")).doesNotExist();

        assumeTrue(onPath("dot"), "Graphviz is not installed");
        Kiln svg = Kiln.run("inspect", m.symbol(), "--dot", dot);
        assertThat(svg.status()).as(svg.err()).isZero();
        assertThat(svg.out()).contains("wrote " + dir.resolve("graph.svg"));
        assertThat(Files.readString(dir.resolve("graph.svg"))).contains("<svg").contains("Convolution");
    }

    @Test
    void dotAppliesOnlyToSymbolFiles() {
        Path f = dir.resolve("w.params");
        NDArrayFile.save(f, knownArrays());
        Kiln r = Kiln.run("inspect", f, "--dot", dir.resolve("x.dot"));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("-symbol.json").hasLineCount(1);
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, exe)));
    }
}
