package dev.kiln.cli;

import dev.kiln.bench.suite.Report;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.kiln.cli.ErrorHandlingTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kiln bench}: a real quick run of the MLP rows (the JSON's fields for model and GEMM rows, the Markdown
 * tables), its help, and one-line usage errors. No assertion depends on how fast anything ran.
 */
class BenchCommandTest {
    private static final List<String> MODEL_FIELDS = List.of("model", "pass", "batch", "threads", "kiln_eager_ms",
            "kiln_hybrid_ms", "mxnet_imperative_ms", "mxnet_cachedop_ms", "kiln_planned_bytes", "kiln_eager_bytes",
            "kiln_eager_step_alloc_bytes", "kiln_hybrid_step_alloc_bytes", "kiln_tornado_ms");
    private static final List<String> GEMM_FIELDS = List.of("m", "n", "k", "transpose_b", "threads", "gflops",
            "peak_gflops");
    private static final List<String> TIMES = List.of("kiln_eager_ms", "kiln_hybrid_ms", "mxnet_imperative_ms",
            "mxnet_cachedop_ms");

    @TempDir
    Path dir;

    @Test
    void quickMlpRunWritesModelAndGemmRowsAsMarkdownAndJson() throws IOException {
        Path json = dir.resolve("bench.json");
        Kiln r = Kiln.run("bench", "--quick", "--only", "mlp", "--json", json);
        assertThat(r.status()).as(r.err()).isZero();
        int threads = Parallel.threads();
        boolean mxnet = !r.out().contains("MXNet n/a");

        assertThat(r.out()).contains("| model | pass | batch | threads | Kiln eager ms | Kiln hybridized ms | speed-up "
                + "| Kiln planned / eager memory | Kiln step alloc eager / hybridized | MXNet imperative ms | MXNet CachedOp ms | CachedOp / Kiln hybridized "
                + "| Kiln TornadoVM ms | note |", "| GEMM M x N x K | threads | GFLOP/s | measured FMA peak GFLOP/s | of peak |",
                "| MLP 784-256-128-10 | forward | 8 | " + threads + " |", "| n/a (TornadoVM absent) |",
                "| MLP 784-256-128-10 | forward+backward | 8 | " + threads + " |", "wrote " + json);
        assertThat(r.out()).doesNotContain("CNN", "ResNet");
        assertThat(r.err()).contains("measuring MLP 784-256-128-10, forward, batch 8");
        if (!mxnet) {
            assertThat(r.err()).contains("kiln bench: MXNet columns are n/a: ");
        }

        List<Map<String, Object>> rows;
        try (Reader in = Files.newBufferedReader(json)) {
            rows = Report.readJson(in);
        }
        assertThat(rows).hasSize(2 + 4);
        for (int i = 0; i < 2; i++) {
            Map<String, Object> row = rows.get(i);
            assertThat(fields(row)).as(row.toString()).isEqualTo(new TreeSet<>(MODEL_FIELDS));
            assertThat(row).containsEntry("model", "MLP 784-256-128-10").containsEntry("batch", 8L)
                    .containsEntry("threads", (long) threads)
                    .containsEntry("pass", i == 0 ? "forward" : "forward+backward")
                    .containsEntry("kiln_tornado_ms", null); // the test JVM runs without TornadoVM
            for (String time : TIMES) {
                if (time.startsWith("mxnet") && !mxnet) {
                    assertThat(row).containsEntry(time, null);
                } else {
                    assertThat((Double) row.get(time)).as(time).isPositive();
                }
            }
            assertThat((Long) row.get("kiln_planned_bytes")).isPositive()
                    .isLessThanOrEqualTo((Long) row.get("kiln_eager_bytes"));
            if (i == 0) {
                assertThat(row).containsEntry("kiln_eager_step_alloc_bytes", null)
                        .containsEntry("kiln_hybrid_step_alloc_bytes", null);
            } else {
                assertThat((Long) row.get("kiln_eager_step_alloc_bytes")).isPositive();
                assertThat((Long) row.get("kiln_hybrid_step_alloc_bytes")).isPositive();
            }
        }
        // the MLP's 784->256->128->10 at batch 8 in float32: the forward's outputs alone are (256+128+10)*8*4 bytes
        assertThat((Long) rows.get(0).get("kiln_eager_bytes")).isGreaterThanOrEqualTo((256 + 128 + 10) * 8 * 4L);
        Object peak = rows.get(2).get("peak_gflops");
        for (Map<String, Object> gemm : rows.subList(2, 6)) {
            assertThat(fields(gemm)).as(gemm.toString()).isEqualTo(new TreeSet<>(GEMM_FIELDS));
            assertThat(gemm).containsEntry("threads", (long) threads).containsEntry("peak_gflops", peak);
            assertThat((Double) gemm.get("gflops")).isPositive();
        }
        assertThat((Double) peak).isPositive();
        assertThat(rows.subList(2, 6)).extracting(g -> g.get("m") + "x" + g.get("n") + "x" + g.get("k"))
                .containsExactly("256x256x256", "1024x1024x1024", "64x128x784", "64x3136x576");
    }

    /** The field names, less the optional note (present only when a check warned or MXNet failed on the row). */
    private static Set<String> fields(Map<String, Object> row) {
        Set<String> names = new TreeSet<>(row.keySet());
        names.remove("note");
        return names;
    }

    @Test
    void helpListsEveryOption() {
        Kiln r = Kiln.run("bench", "--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("Usage: kiln bench", "--json=FILE", "--quick", "--threads=N", "--only=MODEL",
                "--no-gemm", "MXNet");
        assertThat(Kiln.run("--help").out()).contains("bench");
    }

    @Test
    void badArgumentsAreOneLineUsageErrors() {
        assertOneLineError(Kiln.run("bench", "--fast"), 2, "kiln bench: Unknown option: '--fast'",
                "(see 'kiln bench --help')");
        assertOneLineError(Kiln.run("bench", "--threads", "two"), 2, "kiln bench:", "'two'", "--threads");
        assertOneLineError(Kiln.run("bench", "--threads", "0"), 2, "kiln bench: --threads must be at least 1, got 0");
        assertOneLineError(Kiln.run("bench", "--only", "vgg"), 2, "kiln bench: no model of the suite matches 'vgg'",
                "MLP 784-256-128-10", "Transformer");
        assertOneLineError(Kiln.run("bench", "--json", dir.resolve("absent/bench.json")), 2, "kiln bench: --json",
                "does not exist");
        assertOneLineError(Kiln.run("bench", "--json"), 2, "kiln bench: Missing required parameter", "--json");
    }
}
