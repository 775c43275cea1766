package dev.kiln.bench.suite;

import dev.kiln.conformance.MXNet;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The model suite's self-test: every model and pass of the table builds, runs eagerly and hybridized with equal
 * outputs (and, where MXNet loads, MXNet op by op and as a cached op agree with Kiln), and the table and JSON
 * writers produce every field. One warm-up and one timed run per column; no assertion on the times' values.
 */
class ModelSuiteTest {
    private static MXNet mxnetOrNull() {
        try {
            return MXNet.get();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyModelRunsEagerAndHybridizedWithAgreeingOutputs() {
        MXNet mx = mxnetOrNull();
        List<ModelCase> smallest = new SuiteOptions(true, Parallel.threads(), "", false).cases();
        assertThat(smallest).hasSize(9);
        return smallest.stream().map(c -> DynamicTest.dynamicTest(c.model() + ", " + c.pass(), () -> {
            ModelRow row = RowMeasurement.measure(c, mx, Timer.once(), Parallel.threads());
            assertThat(row.note()).doesNotContain("WARNING").doesNotContain("failed")
                    .doesNotContain("no memory plan");
            assertThat(row.kilnEagerMs()).isPositive();
            assertThat(row.kilnHybridMs()).isPositive();
            assertThat(row.kilnPlannedBytes()).isPositive().isLessThanOrEqualTo(row.kilnEagerBytes());
            if (c.training()) {
                assertThat(row.kilnEagerStepAllocBytes()).isPositive();
                assertThat(row.kilnHybridStepAllocBytes()).isPositive();
            } else {
                assertThat(row.kilnEagerStepAllocBytes()).isEqualTo(-1);
                assertThat(row.kilnHybridStepAllocBytes()).isEqualTo(-1);
            }
            if (mx != null) {
                assertThat(row.mxnetImperativeMs()).isPositive();
                assertThat(row.mxnetCachedOpMs()).isPositive();
            }
        }));
    }

    @Test
    void quickKeepsTheSmallerBatchOfEachModelAndPassAndOnlyMatchesIgnoringCase() {
        List<ModelCase> all = ModelSuite.rows();
        List<ModelCase> quick = new SuiteOptions(true, 1, "", false).cases();
        assertThat(new SuiteOptions(false, 1, "", false).cases()).extracting(ModelCase::input)
                .isEqualTo(all.stream().map(ModelCase::input).toList());
        assertThat(quick).hasSize(9);
        for (ModelCase q : quick) {
            int smallest = all.stream().filter(c -> c.model().equals(q.model()) && c.pass().equals(q.pass()))
                    .mapToInt(ModelCase::batch).min().orElseThrow();
            assertThat(q.batch()).as(q.model() + ", " + q.pass()).isEqualTo(smallest);
        }
        List<ModelCase> mlp = new SuiteOptions(true, 1, "mlp", false).cases();
        assertThat(mlp).extracting(ModelCase::model).containsOnly("MLP 784-256-128-10");
        assertThat(mlp).extracting(ModelCase::pass).containsExactly("forward", "forward+backward");
        assertThat(mlp).extracting(ModelCase::batch).containsExactly(8, 8);
        assertThat(new SuiteOptions(false, 1, "ResNet", false).cases()).hasSize(4);
        assertThatThrownBy(() -> new SuiteOptions(true, 1, "vgg", false).cases())
                .hasMessageContaining("no model of the suite matches 'vgg'").hasMessageContaining("MLP 784-256-128-10");
        assertThatThrownBy(() -> new SuiteOptions(true, 0, "", false)).hasMessageContaining("threads must be at least 1");
    }

    @Test
    void stepAllocationCountsTheBytesAStepAllocatesOnAnyThread() {
        int mib = 1 << 20;
        byte[][] keep = new byte[1][];
        long here = StepAllocation.leastBytes(() -> keep[0] = new byte[mib]);
        assertThat(here).isBetween((long) mib, mib + (64L << 10));
        // a live worker, as Kiln's kernel pool threads are: a thread that has just exited may not be counted yet
        // (the JVM adds an exited thread's bytes to the total some time after join() returns)
        try (var worker = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            long elsewhere = StepAllocation.leastBytes(() -> {
                try {
                    worker.submit(() -> keep[0] = new byte[2 * mib]).get();
                } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(elsewhere).isGreaterThanOrEqualTo(2L * mib);
        }
        assertThat(keep[0]).hasSize(2 * mib);
    }

    @Test
    void agreementScalesTheLargestDifferenceByTheLargestMagnitude() {
        NDArray expected = NDArray.wrap(Shape.of(2, 2), new float[] {1, -4, 2, 0});
        NDArray close = NDArray.wrap(Shape.of(2, 2), new float[] {1, -4.002f, 2, 0.001f});
        NDArray far = NDArray.wrap(Shape.of(2, 2), new float[] {1, -4, 2.1f, 0});
        // |diff| 0.002 at most, over max |value| 4: 5e-4
        assertThat(Agreement.scaledDifference(List.of(close), List.of(expected))).isCloseTo(5e-4,
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Agreement.scaledDifference(List.of(far), List.of(expected))).isGreaterThan(Agreement.TOLERANCE);
        assertThat(Agreement.scaledDifference(List.of(NDArray.wrap(Shape.of(4), new float[] {1, -4, 2, 0})),
                List.of(expected))).isInfinite();
        assertThat(Agreement.scaledDifference(List.of(NDArray.wrap(Shape.of(2, 2), new float[] {Float.NaN, -4, 2,
                0})), List.of(expected))).isInfinite();
    }

    @Test
    void jsonHasOneObjectPerRowWithTheIssueFields() {
        List<ModelRow> rows = List.of(
                new ModelRow("MLP", "forward", 8, 2, 1.5, 0.5, 2.25, 0.75, 1024, 4096, -1, -1, ""),
                new ModelRow("CNN", "forward+backward", 4, 2, 3, 1, Double.NaN, Double.NaN, 10, 20, 3 << 20, 2048,
                        true, 0.25, "MXNet n/a"));
        List<GemmRow> gemms = List.of(new GemmRow(64, 128, 784, true, 2, 300.5, 530));
        StringWriter out = new StringWriter();
        Report.json(rows, gemms, out);

        List<Map<String, Object>> objects = Report.readJson(new StringReader(out.toString()));
        assertThat(objects).hasSize(3);
        assertThat(objects.get(0)).containsEntry("model", "MLP").containsEntry("pass", "forward")
                .containsEntry("batch", 8L).containsEntry("threads", 2L).containsEntry("kiln_eager_ms", 1.5)
                .containsEntry("kiln_hybrid_ms", 0.5).containsEntry("mxnet_imperative_ms", 2.25)
                .containsEntry("mxnet_cachedop_ms", 0.75).containsEntry("kiln_planned_bytes", 1024L)
                .containsEntry("kiln_eager_bytes", 4096L).containsEntry("kiln_eager_step_alloc_bytes", null)
                .containsEntry("kiln_hybrid_step_alloc_bytes", null).containsEntry("kiln_tornado_ms", null);
        assertThat(objects.get(1)).containsEntry("pass", "forward+backward").containsEntry("mxnet_imperative_ms", null)
                .containsEntry("kiln_eager_step_alloc_bytes", 3L << 20).containsEntry("kiln_hybrid_step_alloc_bytes", 2048L)
                .containsEntry("mxnet_cachedop_ms", null).containsEntry("kiln_tornado_ms", 0.25)
                .containsEntry("note", "MXNet n/a");
        assertThat(objects.get(2)).containsEntry("m", 64L).containsEntry("n", 128L).containsEntry("k", 784L)
                .containsEntry("threads", 2L).containsEntry("gflops", 300.5).containsEntry("peak_gflops", 530.0);

        String table = Report.markdown(rows, gemms);
        assertThat(table).contains("| MLP | forward | 8 | 2 | 1.500 | 0.500 | 3.00x | 1.0 KB / 4.0 KB | n/a | 2.250 "
                + "| 0.750 | 1.50x | n/a (TornadoVM absent) |  |");
        assertThat(table).contains("| CNN | forward+backward | 4 | 2 | 3.000 | 1.000 | 3.00x | 0.0 KB / 0.0 KB "
                + "| 3.0 MB / 2.0 KB | n/a | n/a | n/a | 0.250 | MXNet n/a |");
        assertThat(table).contains("| 64x128x784:NT | 2 | 300.5 | 530.0 | 57% |");
    }
}
