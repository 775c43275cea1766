package dev.kiln.tornado.kernel;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static dev.kiln.tornado.kernel.KernelHarness.unsupported;
import static org.assertj.core.api.Assertions.assertThat;

/** Reductions, row kernels (softmax family, LayerNorm, pick) and BatchNorm give the CPU ops' results. */
class RowReduceNormKernelsTest {
    private static final double TOL = 2e-5;
    private final Random r = new Random(13);

    @Test
    void reductionsOverAxesWithKeepdimsAndExclude() {
        NDArray x = random(r, 2, 3, 4, 5);
        for (String op : List.of("sum", "mean", "max", "min")) {
            assertMatchesCpu(node(op, Map.of(), 1), TOL, x);
            assertMatchesCpu(node(op, Map.of("axis", "(1, 3)"), 1), TOL, x);
            assertMatchesCpu(node(op, Map.of("axis", "(-1,)", "keepdims", true), 1), TOL, x);
            assertMatchesCpu(node(op, Map.of("axis", "(1,)", "exclude", true), 1), TOL, x);
        }
    }

    @Test
    void largeReductionsOverFewOutputsAreSplitIntoPiecesWithTheSameResults() {
        assertThat(ReduceKernels.chunks(1, 12_800)).isEqualTo(12);
        assertThat(ReduceKernels.chunks(3, 5_001)).isEqualTo(4);
        assertThat(ReduceKernels.chunks(2_000, 100_000)).as("enough outputs to fill a device").isEqualTo(1);
        assertThat(ReduceKernels.chunks(4, 4_000)).as("too few elements to split").isEqualTo(1);
        NDArray rows = random(r, 3, 5_001);
        NDArray whole = random(r, 64, 200);
        for (String op : List.of("sum", "mean", "max", "min")) {
            assertMatchesCpu(node(op, Map.of("axis", "(1,)"), 1), 1e-4, rows);
            assertMatchesCpu(node(op, Map.of(), 1), 1e-4, whole);
            assertMatchesCpu(node(op, Map.of("axis", "(0,)", "exclude", true, "keepdims", true), 1), 1e-4, rows);
        }
        for (int ord : new int[] {1, 2}) {
            assertMatchesCpu(node("norm", Map.of("ord", ord), 1), 1e-4, whole);
        }
        assertMatchesCpu(node("_sum_like", Map.of(), 2), 1e-4, whole, random(r, 1));
    }

    @Test
    void sumLikeSumsOverTheAxesItsSecondInputWasBroadcastAlong() {
        NDArray x = random(r, 2, 3, 4, 5);
        assertMatchesCpu(node("_sum_like", Map.of(), 2), TOL, x, random(r, 3, 1, 5)); // leading axis and an inner 1
        assertMatchesCpu(node("_sum_like", Map.of(), 2), TOL, x, random(r, 1)); // to a scalar-like (1,)
        assertMatchesCpu(node("_sum_like", Map.of(), 2), TOL, x, random(r, 2, 1, 4, 1));
        assertMatchesCpu(node("_sum_like", Map.of(), 2), TOL, x, random(r, 2, 3, 4, 5)); // nothing to sum: a copy
        assertMatchesCpu(node("_sum_like", Map.of(), 2), TOL, random(r, 4, 1, 3), random(r, 1, 1, 3));
    }

    @Test
    void normsOfOrderOneAndTwoOverAxes() {
        NDArray x = random(r, 2, 3, 4);
        for (int ord : new int[] {1, 2}) {
            assertMatchesCpu(node("norm", Map.of("ord", ord), 1), TOL, x);
            assertMatchesCpu(node("norm", Map.of("ord", ord, "axis", "(1,)", "keepdims", true), 1), TOL, x);
            assertMatchesCpu(node("norm", Map.of("ord", ord, "axis", "(0, 2)"), 1), TOL, x);
        }
    }

    @Test
    void softmaxFamilyAlongAnyAxisWithTemperature() {
        NDArray x = random(r, 3, 4, 5);
        for (String op : List.of("softmax", "log_softmax", "softmin")) {
            assertMatchesCpu(node(op, Map.of(), 1), TOL, x);
            assertMatchesCpu(node(op, Map.of("axis", 1, "temperature", 2.5), 1), TOL, x);
            assertMatchesCpu(node(op, Map.of("axis", 0), 1), TOL, x);
        }
    }

    @Test
    void softmaxGradientsReadTheOutput() {
        NDArray x = random(r, 3, 6);
        for (String op : List.of("softmax", "log_softmax", "softmin")) {
            for (Map<String, Object> attrs : List.of(Map.<String, Object>of(),
                    Map.<String, Object>of("axis", 0, "temperature", 0.5))) {
                NDArray y = KernelHarness.cpu(node(op, attrs, 1), List.of(x)).get(0);
                assertMatchesCpu(node("_backward_" + op, attrs, 3), TOL, random(r, 3, 6), y, x);
            }
        }
    }

    @Test
    void layerNormGivesOutputMeanAndStd() {
        assertMatchesCpu(node("LayerNorm", Map.of(), 3), TOL, random(r, 4, 6), random(r, 6), random(r, 6));
        assertMatchesCpu(node("LayerNorm", Map.of("axis", 1, "eps", 0.01), 3), TOL, random(r, 2, 3, 4),
                random(r, 3), random(r, 3));
    }

    @Test
    void pickClipsOrWrapsIndicesAndItsGradientScattersToThePick() {
        NDArray x = random(r, 4, 5);
        NDArray index = NDArray.wrap(Shape.of(4), new float[] {0, 4, 7, -2});
        for (String mode : List.of("clip", "wrap")) {
            assertMatchesCpu(node("pick", Map.of("axis", -1, "mode", mode), 2), 0, x, index);
            assertMatchesCpu(node("_backward_pick", Map.of("axis", -1, "mode", mode), 3), 0, random(r, 4), index, x);
        }
        NDArray index0 = NDArray.wrap(Shape.of(1, 5), new float[] {0, 3, 1, 2, 3});
        assertMatchesCpu(node("pick", Map.of("axis", 0, "keepdims", true), 2), 0, x, index0);
    }

    @Test
    void batchNormWithMovingStatisticsInPredictMode() {
        NDArray x = random(r, 2, 3, 4, 4);
        NDArray var = random(r, 0.5f, 2f, 3);
        DeviceKernels predict = new DeviceKernels(ArrayFlavor.HEAP, false);
        for (boolean fixGamma : new boolean[] {true, false}) {
            assertMatchesCpu(predict, node("BatchNorm", Map.of("fix_gamma", fixGamma, "eps", 1e-3), 5), TOL, x,
                    random(r, 3), random(r, 3), random(r, 3), var);
        }
        assertMatchesCpu(node("BatchNorm", Map.of("use_global_stats", true, "axis", -1), 5), TOL,
                random(r, 3, 4), random(r, 4), random(r, 4), random(r, 4), random(r, 0.5f, 2f, 4));
    }

    @Test
    void batchNormNeedsToKnowTheMode() {
        Shape c = Shape.of(3);
        assertThat(unsupported(node("BatchNorm", Map.of(), 5), Shape.of(2, 3, 4), c, c, c, c)).get().asString()
                .contains("mode");
        assertThat(unsupported(node("BatchNorm", Map.of("use_global_stats", true), 5), Shape.of(2, 3, 4), c, c, c,
                c)).isEmpty();
    }

    @Test
    void batchNormInTrainingUsesBatchStatisticsAndMovesTheMovingOnesInPlace() {
        DeviceKernels training = new DeviceKernels(ArrayFlavor.HEAP, true);
        for (boolean fixGamma : new boolean[] {true, false}) {
            OpNode bn = node("BatchNorm", Map.of("fix_gamma", fixGamma, "momentum", 0.8), 5);
            assertThat(training.mutatedInputs(bn)).containsExactly(3, 4);
            List<NDArray> in = List.of(random(r, 2, 3, 4, 2), random(r, 3), random(r, 3), random(r, 3),
                    random(r, 0.5f, 2f, 3));
            List<float[]> device = KernelHarness.runBuffers(training, bn, in);
            List<NDArray> cpuIn = in.stream().map(x -> NDArray.wrap(x.shape(), x.toFloatArray().clone())).toList();
            List<NDArray> cpu;
            boolean was = OpContext.setTraining(true);
            try {
                cpu = KernelHarness.cpu(bn, cpuIn);
            } finally {
                OpContext.setTraining(was);
            }
            for (int k = 0; k < 3; k++) {
                KernelHarness.assertClose("output " + k, NDArray.wrap(cpu.get(k).shape(), device.get(5 + k)),
                        cpu.get(k), 1e-4);
            }
            KernelHarness.assertClose("moving mean", NDArray.wrap(Shape.of(3), device.get(3)), cpuIn.get(3), 1e-5);
            KernelHarness.assertClose("moving var", NDArray.wrap(Shape.of(3), device.get(4)), cpuIn.get(4), 1e-5);
            assertThat(device.get(3)).isNotEqualTo(in.get(3).toFloatArray());
        }
        assertThat(new DeviceKernels(ArrayFlavor.HEAP, false).mutatedInputs(node("BatchNorm", Map.of(), 5)))
                .isEmpty();
    }

    @Test
    void batchNormGradientThroughBatchOrMovingStatistics() {
        NDArray x = random(r, 2, 3, 2, 3);
        NDArray invstd = random(r, 0.5f, 2f, 3);
        for (boolean global : new boolean[] {false, true}) {
            for (boolean fixGamma : new boolean[] {false, true}) {
                Map<String, Object> attrs = new HashMap<>(Map.of("use_global_stats", global, "fix_gamma", fixGamma));
                assertMatchesCpu(node("_backward_BatchNorm", attrs, 7), 1e-4, random(r, 2, 3, 2, 3), x,
                        random(r, 3), random(r, 3), invstd, random(r, 3), random(r, 3));
            }
        }
    }
}
