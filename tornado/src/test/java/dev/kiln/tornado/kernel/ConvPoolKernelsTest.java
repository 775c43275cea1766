package dev.kiln.tornado.kernel;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static dev.kiln.tornado.kernel.KernelHarness.unsupported;
import static org.assertj.core.api.Assertions.assertThat;

/** Direct convolution and pooling kernels, and their gradients, give the CPU ops' results. */
class ConvPoolKernelsTest {
    private static final double TOL = 1e-5;
    private final Random r = new Random(5);

    @Test
    void convolutionWithStridePadDilationAndBias() {
        assertMatchesCpu(node("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 4, "pad", "(1, 1)"), 3), TOL,
                random(r, 2, 3, 5, 5), random(r, 4, 3, 3, 3), random(r, 4));
        assertMatchesCpu(node("Convolution", Map.of("kernel", "(2, 3)", "num_filter", 2, "stride", "(2, 1)",
                "dilate", "(2, 1)", "pad", "(1, 0)"), 3), TOL, random(r, 1, 2, 7, 6), random(r, 2, 2, 2, 3),
                random(r, 2));
    }

    /** Filters in whole 4-tiles per group take the register-tiled kernel, ragged position counts included. */
    @Test
    void tiledConvolutionWithGroupsPaddingStrideAndRaggedPositions() {
        assertMatchesCpu(node("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 8, "pad", "(1, 1)"), 3), TOL,
                random(r, 2, 3, 5, 5), random(r, 8, 3, 3, 3), random(r, 8));
        assertMatchesCpu(node("Convolution", Map.of("kernel", "(3, 2)", "num_filter", 8, "stride", "(2, 1)",
                "dilate", "(1, 2)", "pad", "(2, 1)", "num_group", 2, "no_bias", true), 2), TOL,
                random(r, 1, 4, 7, 6), random(r, 8, 2, 3, 2));
        assertMatchesCpu(node("Convolution", Map.of("kernel", "(3,)", "num_filter", 4, "pad", "(1,)"), 3), TOL,
                random(r, 2, 2, 7), random(r, 4, 2, 3), random(r, 4));
        assertMatchesCpu(node("_backward_Deconvolution", Map.of("kernel", "(2, 2)", "num_filter", 3,
                "stride", "(2, 2)"), 3), TOL, random(r, 1, 3, 6, 6), random(r, 1, 4, 3, 3), random(r, 4, 3, 2, 2));
    }

    /**
     * Data channels in whole 4-tiles per group take the tiled data gradient (Deconvolution's forward pass too),
     * filters in whole 4-tiles per group the tiled weight gradient.
     */
    @Test
    void tiledGradientsWithGroupsStrideDilationAndRaggedBlocks() {
        assertMatchesCpu(node("_backward_Convolution", Map.of("kernel", "(3, 3)", "num_filter", 8, "pad", "(1, 1)",
                "stride", "(2, 1)", "dilate", "(1, 2)", "num_group", 2), 4), TOL, random(r, 2, 8, 3, 3),
                random(r, 2, 6, 5, 5), random(r, 8, 3, 3, 3), random(r, 8));
        assertMatchesCpu(node("_backward_Convolution", Map.of("kernel", "(3, 3)", "num_filter", 6, "pad", "(1, 1)",
                "stride", "(2, 2)", "num_group", 2), 4), TOL, random(r, 2, 6, 3, 3), random(r, 2, 8, 5, 5),
                random(r, 6, 4, 3, 3), random(r, 6));
        assertMatchesCpu(node("_backward_Convolution", Map.of("kernel", "(2, 3)", "num_filter", 2,
                "dilate", "(2, 1)", "no_bias", true), 3), TOL, random(r, 1, 2, 3, 4), random(r, 1, 4, 5, 6),
                random(r, 2, 4, 2, 3));
        assertMatchesCpu(node("Deconvolution", Map.of("kernel", "(3, 3)", "num_filter", 8, "stride", "(2, 2)",
                "pad", "(1, 1)", "adj", "(1, 0)", "no_bias", false), 3), TOL, random(r, 2, 3, 3, 4),
                random(r, 3, 8, 3, 3), random(r, 8));
    }

    @Test
    void groupedConvolutionWithoutBiasAndOneDimensional() {
        assertMatchesCpu(node("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 4, "num_group", 2,
                "no_bias", true), 2), TOL, random(r, 2, 4, 5, 4), random(r, 4, 2, 3, 3));
        assertMatchesCpu(node("Convolution", Map.of("kernel", "(3,)", "num_filter", 3, "stride", "(2,)",
                "pad", "(1,)"), 3), TOL, random(r, 2, 2, 9), random(r, 3, 2, 3), random(r, 3));
    }

    @Test
    void convolutionGradientGivesDataWeightAndBiasGradients() {
        Map<String, Object> attrs = Map.of("kernel", "(3, 3)", "num_filter", 4, "pad", "(1, 1)", "stride", "(2, 2)",
                "num_group", 2);
        NDArray x = random(r, 2, 4, 5, 6);
        NDArray wt = random(r, 4, 2, 3, 3);
        NDArray b = random(r, 4);
        NDArray og = random(r, 2, 4, 3, 3);
        assertMatchesCpu(node("_backward_Convolution", attrs, 4), TOL, og, x, wt, b);
        Map<String, Object> noBias = Map.of("kernel", "(2, 2)", "num_filter", 3, "dilate", "(2, 2)", "no_bias", true);
        assertMatchesCpu(node("_backward_Convolution", noBias, 3), TOL, random(r, 1, 3, 3, 4), random(r, 1, 2, 5, 6),
                random(r, 3, 2, 2, 2));
    }

    @Test
    void poolingMaxAvgSumAcrossConventionsAndPadding() {
        NDArray x = random(r, 2, 3, 7, 6);
        for (String type : List.of("max", "avg", "sum")) {
            for (String conv : List.of("valid", "full")) {
                assertMatchesCpu(node("Pooling", Map.of("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)",
                        "pool_type", type, "pooling_convention", conv), 1), TOL, x);
            }
        }
        assertMatchesCpu(node("Pooling", Map.of("kernel", "(3, 2)", "stride", "(2, 2)", "pad", "(1, 1)",
                "pool_type", "avg", "count_include_pad", false), 1), TOL, x);
        assertMatchesCpu(node("Pooling", Map.of("global_pool", true, "pool_type", "avg"), 1), TOL, x);
        assertMatchesCpu(node("Pooling", Map.of("global_pool", true, "pool_type", "max", "kernel", "(1, 1)"), 1),
                TOL, x);
        assertMatchesCpu(node("Pooling", Map.of("kernel", "(2,)", "pool_type", "max", "stride", "(2,)"), 1), TOL,
                random(r, 2, 2, 8));
    }

    @Test
    void poolingGradientRoutesMaxToTheFirstMaximumAndSpreadsAverages() {
        NDArray x = random(r, 2, 2, 6, 5);
        // ties (as after relu) must go to the first maximum of each window, as the CPU does
        float[] d = x.toFloatArray();
        for (int i = 0; i < d.length; i += 3) {
            d[i] = 0f;
        }
        x = NDArray.wrap(x.shape(), d);
        for (String type : List.of("max", "avg", "sum")) {
            for (Map<String, Object> geometry : List.of(Map.<String, Object>of("kernel", "(2, 2)", "stride", "(2, 2)"),
                    Map.<String, Object>of("kernel", "(3, 3)", "stride", "(2, 1)", "pad", "(1, 1)",
                            "pooling_convention", "full"))) {
                Map<String, Object> attrs = new java.util.HashMap<>(geometry);
                attrs.put("pool_type", type);
                OpNode fwd = node("Pooling", attrs, 1);
                NDArray y = KernelHarness.cpu(fwd, List.of(x)).get(0);
                NDArray og = random(r, y.shape().dims());
                assertMatchesCpu(node("_backward_Pooling", attrs, 3), TOL, og, x, y);
            }
        }
    }

    @Test
    void maxPoolingOfInfiniteWindowsStartsAtTheLowestFiniteFloat() {
        float[] d = new float[16];
        java.util.Arrays.fill(d, Float.NEGATIVE_INFINITY);
        d[5] = 1f;
        assertMatchesCpu(node("Pooling", Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "max"), 1), 0,
                NDArray.wrap(Shape.of(1, 1, 4, 4), d));
    }

    @Test
    void reductionsLetNaNWin() {
        NDArray x = NDArray.wrap(Shape.of(2, 3), new float[] {1, Float.NaN, 2, -1, -2, -3});
        assertMatchesCpu(node("max", Map.of("axis", "(1,)"), 1), 0, x);
        assertMatchesCpu(node("min", Map.of("axis", "(1,)"), 1), 0, x);
    }

    @Test
    void lpPoolingAndThreeDimensionalDataAreUnsupported() {
        assertThat(unsupported(node("Pooling", Map.of("kernel", "(2, 2)", "pool_type", "lp", "p_value", 2), 1),
                Shape.of(1, 1, 4, 4))).get().asString().contains("lp");
        assertThat(unsupported(node("Convolution", Map.of("kernel", "(1, 1, 1)", "num_filter", 1, "no_bias", true),
                2), Shape.of(1, 1, 2, 2, 2), Shape.of(1, 1, 1, 1, 1))).get().asString().contains("1-D and 2-D");
    }
}
