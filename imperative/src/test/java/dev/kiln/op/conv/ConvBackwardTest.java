package dev.kiln.op.conv;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.testing.NDArrayAssert.assertThat;

/**
 * The backward ops in float32 (their own kernels: several images per weight-gradient product, the float32 col2im
 * and pooling scatters) against float64 through autograd, and MXNet's tie rule of max pooling. The float64 gradients
 * themselves are checked against central differences by {@code ConvGradientCases}.
 */
class ConvBackwardTest {

    /** Gradients of every input of {@code op} for the head gradient {@code head}, computed in {@code dtype}. */
    private static List<NDArray> grads(String op, Map<String, ?> attrs, DType dtype, NDArray head, NDArray... in) {
        List<NDArray> vars = new ArrayList<>();
        for (NDArray a : in) {
            NDArray v = a.astype(dtype);
            v.attachGrad();
            vars.add(v);
        }
        NDArray y;
        try (Autograd.Scope s = Autograd.record()) {
            y = Ops.call(op, attrs, vars.toArray(NDArray[]::new));
        }
        y.backward(head.astype(dtype));
        List<NDArray> out = new ArrayList<>();
        for (NDArray v : vars) {
            out.add(v.grad());
        }
        return out;
    }

    private static NDArray random(Random r, double low, double high, int... dims) {
        double[] v = new double[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = low + (high - low) * r.nextDouble();
        }
        return NDArray.of(Shape.of(dims), DType.FLOAT64, v);
    }

    /** Float32 gradients of {@code op} agree with float64 ones for a random head gradient. */
    private static void float32MatchesFloat64(String op, Map<String, ?> attrs, NDArray... in) {
        Random r = new Random(7);
        NDArray y = Ops.call(op, attrs, in);
        NDArray head = random(r, -1, 1, y.shape().dims());
        List<NDArray> g64 = grads(op, attrs, DType.FLOAT64, head, in);
        List<NDArray> g32 = grads(op, attrs, DType.FLOAT32, head, in);
        for (int i = 0; i < in.length; i++) {
            assertThat(g32.get(i)).hasShape(in[i].shape().dims()).isCloseTo(g64.get(i), 1e-4, 1e-4);
        }
    }

    @Test
    void convolutionFloat32() {
        Random r = new Random(1);
        // 8 images of a 5x5 grid share one weight-gradient product.
        float32MatchesFloat64("Convolution", Map.of("kernel", "(3, 3)", "pad", "(1, 1)", "num_filter", 4),
                random(r, -1, 1, 8, 3, 5, 5), random(r, -1, 1, 4, 3, 3, 3), random(r, -1, 1, 4));
        float32MatchesFloat64("Convolution", Map.of("kernel", "(1, 1)", "num_filter", 2),
                random(r, -1, 1, 4, 3, 4, 4), random(r, -1, 1, 2, 3, 1, 1), random(r, -1, 1, 2));
        float32MatchesFloat64("Convolution", Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "num_filter", 4,
                        "num_group", 2, "no_bias", true, "layout", "NHWC"),
                random(r, -1, 1, 3, 6, 5, 4), random(r, -1, 1, 4, 2, 2, 2));
        float32MatchesFloat64("Convolution", Map.of("kernel", "(2, 2, 2)", "dilate", "(1, 2, 1)", "num_filter", 2),
                random(r, -1, 1, 2, 2, 3, 4, 3), random(r, -1, 1, 2, 2, 2, 2, 2), random(r, -1, 1, 2));
    }

    @Test
    void deconvolutionFloat32() {
        Random r = new Random(2);
        float32MatchesFloat64("Deconvolution", Map.of("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)",
                        "adj", "(1, 1)", "num_filter", 4, "num_group", 2, "no_bias", false),
                random(r, -1, 1, 3, 4, 3, 3), random(r, -1, 1, 4, 2, 3, 3), random(r, -1, 1, 4));
        float32MatchesFloat64("Deconvolution", Map.of("kernel", "(3,)", "stride", "(2,)", "target_shape", "(8,)",
                "num_filter", 2, "layout", "NWC"), random(r, -1, 1, 2, 4, 3), random(r, -1, 1, 3, 3, 2));
    }

    @Test
    void poolingFloat32() {
        Random r = new Random(3);
        NDArray x = random(r, 0.5, 1.5, 2, 3, 5, 5);
        float32MatchesFloat64("Pooling", Map.of("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)"), x);
        float32MatchesFloat64("Pooling", Map.of("kernel", "(2, 2)", "pool_type", "avg", "pooling_convention", "full",
                "count_include_pad", false), x);
        float32MatchesFloat64("Pooling", Map.of("kernel", "(2, 2)", "pool_type", "lp", "p_value", 3), x);
        float32MatchesFloat64("Pooling", Map.of("pool_type", "sum", "global_pool", true, "layout", "NHWC"), x);
    }

    @Test
    void upSamplingAndResizeFloat32() {
        Random r = new Random(4);
        float32MatchesFloat64("UpSampling", Map.of("scale", 2, "sample_type", "nearest", "num_args", 2),
                random(r, -1, 1, 2, 2, 3, 3), random(r, -1, 1, 2, 1, 6, 6));
        float32MatchesFloat64("UpSampling", Map.of("scale", 2, "sample_type", "bilinear", "num_filter", 3,
                "num_args", 2), random(r, -1, 1, 2, 3, 3, 4), random(r, -1, 1, 3, 1, 4, 4));
        float32MatchesFloat64("_contrib_BilinearResize2D", Map.of("height", 7, "width", 5, "align_corners", false),
                random(r, -1, 1, 2, 2, 4, 6));
    }

    @Test
    void maxPoolingTiesGoToTheFirstMaximumInWindowOrder() {
        NDArray x = NDArray.of(Shape.of(1, 1, 2, 2), DType.FLOAT64, 1, 1, 1, 1);
        NDArray g = grads("Pooling", Map.of("kernel", "(2, 2)"), DType.FLOAT64,
                NDArray.of(Shape.of(1, 1, 1, 1), DType.FLOAT64, 1), x).get(0);
        assertThat(g).isCloseTo(new double[] {1, 0, 0, 0}, 0, 0);
        NDArray row = NDArray.of(Shape.of(1, 1, 4), DType.FLOAT32, 1, 3, 3, 2);
        NDArray gr = grads("Pooling", Map.of("kernel", "(2,)"), DType.FLOAT32,
                NDArray.of(Shape.of(1, 1, 3), DType.FLOAT32, 1, 1, 1), row).get(0);
        assertThat(gr).isCloseTo(new double[] {0, 2, 1, 0}, 0, 0);
    }

    @Test
    void resizeLikeGivesLikeNoGradient() {
        Random r = new Random(5);
        NDArray like = random(r, -1, 1, 1, 1, 4, 5);
        List<NDArray> g = grads("_contrib_BilinearResize2D", Map.of("mode", "like"), DType.FLOAT32,
                random(r, -1, 1, 1, 2, 4, 5), random(r, -1, 1, 1, 2, 3, 3), like);
        assertThat(g.get(1)).isCloseTo(new double[20], 0, 0);
    }
}
