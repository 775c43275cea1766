package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static org.assertj.core.api.Assertions.assertThat;

/** SoftmaxOutput, softmax_cross_entropy and their gradients give the CPU ops' results. */
class LossKernelsTest {
    private static final double TOL = 2e-5;
    private final Random r = new Random(29);

    private static NDArray labels(int... classes) {
        float[] v = new float[classes.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = classes[i];
        }
        return NDArray.wrap(Shape.of(v.length), v);
    }

    @Test
    void softmaxOutputOverFlattenedRowsAxisOneOrTheLastAxis() {
        NDArray x = random(r, 2, 3, 4);
        assertMatchesCpu(node("SoftmaxOutput", Map.of(), 2), TOL, x, random(r, 0f, 3f, 2, 3));
        assertMatchesCpu(node("SoftmaxOutput", Map.of("multi_output", true), 2), TOL, x, random(r, 0f, 3f, 2, 4));
        assertMatchesCpu(node("SoftmaxOutput", Map.of("preserve_shape", true), 2), TOL, x, random(r, 0f, 4f, 2, 3));
    }

    @Test
    void softmaxOutputGradientWithNormalisationsSmoothingAndIgnoredLabels() {
        NDArray x = random(r, 4, 5);
        NDArray y = KernelHarness.cpu(node("SoftmaxOutput", Map.of(), 2), List.of(x, labels(0, 1, 2, 3))).get(0);
        NDArray label = labels(1, 4, 2, 1);
        for (Map<String, Object> attrs : List.<Map<String, Object>>of(Map.of(),
                Map.of("grad_scale", 0.5, "normalization", "batch"),
                Map.of("use_ignore", true, "ignore_label", 1.0, "normalization", "valid"),
                Map.of("ignore_label", 2.0, "normalization", "valid", "smooth_alpha", 0.1),
                Map.of("out_grad", true, "smooth_alpha", 0.2))) {
            assertMatchesCpu(node("_backward_SoftmaxOutput", attrs, 3), TOL, random(r, 4, 5), y, label);
        }
    }

    @Test
    void softmaxOutputGradientForMultiOutputAndDistributionLabels() {
        NDArray x = random(r, 2, 3, 4);
        Map<String, Object> multi = Map.of("multi_output", true);
        NDArray y = KernelHarness.cpu(node("SoftmaxOutput", multi, 2), List.of(x, random(r, 0f, 3f, 2, 4))).get(0);
        NDArray label = NDArray.wrap(Shape.of(2, 4), new float[] {0, 2, 1, 1, 2, 2, 0, 1});
        assertMatchesCpu(node("_backward_SoftmaxOutput", multi, 3), TOL, random(r, 2, 3, 4), y, label);
        assertMatchesCpu(node("_backward_SoftmaxOutput", Map.of("multi_output", true, "normalization", "valid",
                "use_ignore", true, "ignore_label", 2.0), 3), TOL, random(r, 2, 3, 4), y, label);
        assertMatchesCpu(node("_backward_SoftmaxOutput", Map.of("grad_scale", 3.0), 3), TOL, random(r, 2, 3, 4), y,
                random(r, 0f, 1f, 2, 3, 4));
    }

    @Test
    void softmaxCrossEntropySumsTheRowsLossesAndItsGradientIsSoftmaxMinusOneHot() {
        NDArray x = random(r, -6f, 6f, 5, 7);
        NDArray label = labels(0, 6, 3, 3, 1);
        assertMatchesCpu(node("softmax_cross_entropy", Map.of(), 2), TOL, x, label);
        assertMatchesCpu(node("_backward_softmax_cross_entropy", Map.of(), 3), TOL,
                NDArray.wrap(Shape.of(1), new float[] {0.7f}), x, label);
    }

    @Test
    void softmaxCrossEntropyWithALabelOutOfRangeGivesNaNWhereTheCpuOpThrows() {
        NDArray x = random(r, 3, 4);
        NDArray out = KernelHarness.run(node("softmax_cross_entropy", Map.of(), 2), List.of(x, labels(0, 4, 1)))
                .get(0);
        assertThat(out.toFloatArray()[0]).isNaN();
    }
}
