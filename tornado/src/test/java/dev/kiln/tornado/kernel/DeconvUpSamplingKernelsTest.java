package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static dev.kiln.tornado.kernel.KernelHarness.unsupported;
import static org.assertj.core.api.Assertions.assertThat;

/** Deconvolution, nearest UpSampling and their gradients give the CPU ops' results. */
class DeconvUpSamplingKernelsTest {
    private static final double TOL = 1e-5;
    private final Random r = new Random(17);

    @Test
    void deconvolutionWithStridePadAdjDilationGroupsAndBias() {
        assertMatchesCpu(node("Deconvolution", Map.of("kernel", "(4, 4)", "num_filter", 3, "stride", "(2, 2)",
                "pad", "(1, 1)", "no_bias", false), 3), TOL, random(r, 2, 2, 3, 4), random(r, 2, 3, 4, 4),
                random(r, 3));
        assertMatchesCpu(node("Deconvolution", Map.of("kernel", "(3, 2)", "num_filter", 4, "stride", "(2, 3)",
                "adj", "(1, 2)", "dilate", "(2, 1)", "num_group", 2), 2), TOL, random(r, 1, 4, 3, 3),
                random(r, 4, 2, 3, 2));
        assertMatchesCpu(node("Deconvolution", Map.of("kernel", "(3,)", "num_filter", 2, "stride", "(2,)",
                "pad", "(1,)"), 2), TOL, random(r, 2, 3, 5), random(r, 3, 2, 3));
    }

    @Test
    void deconvolutionToATargetShapeDerivesItsPadding() {
        assertMatchesCpu(node("Deconvolution", Map.of("kernel", "(3, 3)", "num_filter", 2, "stride", "(2, 2)",
                "target_shape", "(8, 7)"), 2), TOL, random(r, 1, 3, 4, 4), random(r, 3, 2, 3, 3));
    }

    @Test
    void deconvolutionGradientGivesDataWeightAndBiasGradients() {
        Map<String, Object> attrs = Map.of("kernel", "(4, 4)", "num_filter", 4, "stride", "(2, 2)", "pad", "(1, 1)",
                "num_group", 2, "no_bias", false);
        NDArray x = random(r, 2, 2, 3, 3);
        NDArray wt = random(r, 2, 2, 4, 4);
        NDArray og = random(r, 2, 4, 6, 6);
        assertMatchesCpu(node("_backward_Deconvolution", attrs, 4), TOL, og, x, wt, random(r, 4));
        Map<String, Object> noBias = Map.of("kernel", "(3, 3)", "num_filter", 3, "stride", "(2, 2)", "adj", "(1, 1)");
        assertMatchesCpu(node("_backward_Deconvolution", noBias, 3), TOL, random(r, 1, 3, 8, 8),
                random(r, 1, 2, 3, 3), random(r, 2, 3, 3, 3));
    }

    @Test
    void nearestUpSamplingOfOneOrSeveralInputsConcatenatedOrSummed() {
        assertMatchesCpu(node("UpSampling", Map.of("scale", 2, "sample_type", "nearest", "num_args", 1), 1), 0,
                random(r, 2, 3, 3, 4));
        assertMatchesCpu(node("UpSampling", Map.of("scale", 2, "sample_type", "nearest", "num_args", 2), 2), 0,
                random(r, 1, 2, 4, 4), random(r, 1, 3, 2, 2));
        assertMatchesCpu(node("UpSampling", Map.of("scale", 3, "sample_type", "nearest", "num_args", 2,
                "multi_input_mode", "sum"), 2), 1e-6, random(r, 1, 2, 3, 3), random(r, 1, 2, 1, 1));
    }

    @Test
    void nearestUpSamplingGradientSumsEachBlock() {
        assertMatchesCpu(node("_backward_UpSampling", Map.of("scale", 2, "sample_type", "nearest", "num_args", 2), 3),
                1e-6, random(r, 1, 5, 8, 8), random(r, 1, 2, 4, 4), random(r, 1, 3, 2, 2));
        assertMatchesCpu(node("_backward_UpSampling", Map.of("scale", 2, "sample_type", "nearest", "num_args", 1,
                "multi_input_mode", "sum"), 2), 1e-6, random(r, 2, 3, 6, 4), random(r, 2, 3, 3, 2));
    }

    @Test
    void bilinearUpSamplingIsUnsupported() {
        assertThat(unsupported(node("UpSampling", Map.of("scale", 2, "sample_type", "bilinear", "num_args", 1,
                "num_filter", 2), 2), Shape.of(1, 2, 3, 3), Shape.of(2, 1, 4, 4))).get().asString()
                .contains("bilinear");
    }
}
