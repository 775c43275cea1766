package dev.kiln.op.conv;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeSlots;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Adaptive pooling. Expected values come from an independent NumPy implementation of the window rule
 * {@code [floor(i * x / n), ceil((i + 1) * x / n))} (which agrees with MXNet 1.9's {@code _contrib_AdaptiveAvgPooling2D}),
 * pasted as literals; gradients are worked out by hand.
 */
class AdaptivePoolingTest {
    private static final String AVG_2D = "_contrib_AdaptiveAvgPooling2D";
    private static final String AVG = "_contrib_AdaptiveAvgPooling";
    private static final String MAX = "_contrib_AdaptiveMaxPooling";

    /** 5x7 values (i * 7 % 11) - 5. */
    private static final double[] X = {-5, 2, -2, 5, 1, -3, 4, 0, -4, 3, -1, -5, 2, -2, 5, 1, -3, 4, 0, -4, 3, -1, -5,
        2, -2, 5, 1, -3, 4, 0, -4, 3, -1, -5, 2};

    private static NDArray x(DType t) {
        return NDArray.of(Shape.of(1, 1, 5, 7), t, X);
    }

    private static NDArray pool(String op, NDArray x, Object... attrs) {
        return Ops.call(op, Ops.attrs(attrs), x);
    }

    @Test
    void averagePools5x7To3x2WithOverlappingWindows() {
        double[] expected = {-0.25, 0.125, -0.0833333333, -0.1666666667, -0.375, 0.0};
        assertThat(pool(AVG_2D, x(DType.FLOAT32), "output_size", "(3, 2)")).hasShape(1, 1, 3, 2).hasDType(DType.FLOAT32)
                .isCloseTo(expected, 1e-6, 1e-6);
        assertThat(pool(AVG, x(DType.FLOAT64), "output_size", "(3, 2)")).isCloseTo(expected, 1e-9, 1e-9);
    }

    @Test
    void defaultOutputSizeIsOneByOneWhichIsGlobalAveragePooling() {
        assertThat(pool(AVG_2D, x(DType.FLOAT64))).hasShape(1, 1, 1, 1).isCloseTo(new double[] {-3.0 / 35}, 1e-12, 0);
        assertThat(pool(AVG_2D, x(DType.FLOAT64), "output_size", "()")).hasShape(1, 1, 1, 1);
        assertThat(pool(AVG_2D, x(DType.FLOAT64), "output_size", "None")).hasShape(1, 1, 1, 1);
        assertThat(pool(AVG, NDArray.zeros(2, 3, 4, 5, 6))).hasShape(2, 3, 1, 1, 1);
    }

    @Test
    void oneSizeIsUsedForEverySpatialAxis() {
        double[] expected = {0.4166666667, 0.3333333333, 0.3333333333, 0.25};
        assertThat(pool(AVG_2D, x(DType.FLOAT64), "output_size", 2)).hasShape(1, 1, 2, 2)
                .isCloseTo(expected, 1e-9, 1e-9);
        assertThat(pool(AVG_2D, x(DType.FLOAT64), "output_size", "(2,)")).isCloseTo(expected, 1e-9, 1e-9);
        assertThat(pool(AVG, NDArray.zeros(1, 1, 4, 5, 6), "output_size", 3)).hasShape(1, 1, 3, 3, 3);
    }

    @Test
    void outputLargerThanInputRepeatsElementsInOverlappingWindows() {
        NDArray y = NDArray.of(Shape.of(1, 1, 2, 3), DType.FLOAT64, 0, 1, 2, 3, 4, 5);
        assertThat(pool(AVG_2D, y, "output_size", "(3, 4)")).hasShape(1, 1, 3, 4).isCloseTo(new double[] {0.0, 0.5,
            1.5, 2.0, 1.5, 2.0, 3.0, 3.5, 3.0, 3.5, 4.5, 5.0}, 1e-12, 1e-12);
        assertThat(pool(MAX, y, "output_size", "(3, 4)")).isCloseTo(new double[] {0, 1, 2, 2, 3, 4, 5, 5, 3, 4, 5,
            5}, 0, 0);
    }

    @Test
    void oneAndThreeDimensionalAveragePooling() {
        NDArray z = NDArray.of(Shape.of(1, 2, 7), DType.FLOAT32, -4, 1, -3, 2, -2, 3, -1, 4, 0, -4, 1, -3, 2, -2);
        assertThat(pool(AVG, z, "output_size", 3)).hasShape(1, 2, 3).isCloseTo(new double[] {-2, -1, 0, 0, -2, -1},
                1e-6, 1e-6);
        assertThat(pool(AVG, w3d(), "output_size", "(2, 3, 2)")).hasShape(1, 1, 2, 3, 2).isCloseTo(new double[] {
            1.4375, 1.5, 1.7291666667, 1.25, 1.75, 1.2708333333, 1.25, 1.5833333333, 1.2708333333, 1.3333333333,
            1.5625, 1.3541666667}, 1e-9, 1e-9);
    }

    /** 3x4x5 values (i * 5 % 13) / 4. */
    private static NDArray w3d() {
        double[] v = new double[60];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 5 % 13) / 4.0;
        }
        return NDArray.of(Shape.of(1, 1, 3, 4, 5), DType.FLOAT64, v);
    }

    @Test
    void maxPoolingInOneTwoAndThreeDimensions() {
        NDArray z = NDArray.of(Shape.of(1, 2, 7), DType.FLOAT32, -4, 1, -3, 2, -2, 3, -1, 4, 0, -4, 1, -3, 2, -2);
        assertThat(pool(MAX, z, "output_size", 2)).hasShape(1, 2, 2).isCloseTo(new double[] {2, 3, 4, 2}, 0, 0);
        assertThat(pool(MAX, x(DType.FLOAT32), "output_size", "(3, 2)")).hasShape(1, 1, 3, 2)
                .isCloseTo(new double[] {5, 5, 5, 5, 4, 5}, 0, 0);
        assertThat(pool(MAX, w3d(), "output_size", "(2, 3, 2)")).hasShape(1, 1, 2, 3, 2)
                .isCloseTo(new double[] {3.0, 2.75, 3.0, 2.5, 3.0, 3.0, 2.5, 3.0, 3.0, 2.75, 3.0, 3.0}, 0, 0);
    }

    @Test
    void maxPoolingSkipsNaNAndKeepsNegativeInfinity() {
        NDArray v = NDArray.of(Shape.of(1, 1, 4), Float.NaN, 1, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertThat(pool(MAX, v, "output_size", 2)).isCloseTo(new double[] {1, Double.NEGATIVE_INFINITY}, 0, 0);
    }

    @Test
    void kilnAverageOpMatchesMXNetsOnFourDimensionalData() {
        NDArray y = NDArray.of(Shape.of(1, 1, 2, 3), DType.FLOAT32, 3, -1, 4, 1, -5, 9);
        assertThat(pool(AVG, y, "output_size", "(4, 2)")).isCloseTo(pool(AVG_2D, y, "output_size", "(4, 2)"), 0, 0);
    }

    @Test
    void channelsLastLayoutPoolsEachChannelLikeChannelsFirst() {
        NDArray nchw = NDArray.of(Shape.of(1, 2, 5, 7), DType.FLOAT32, concat(X, negated(X)));
        NDArray nhwc = Ops.call("transpose", Ops.attrs("axes", "(0, 2, 3, 1)"), nchw);
        for (String op : List.of(AVG, MAX)) {
            NDArray expected = Ops.call("transpose", Ops.attrs("axes", "(0, 2, 3, 1)"),
                    pool(op, nchw, "output_size", "(3, 2)"));
            assertThat(pool(op, nhwc, "output_size", "(3, 2)", "layout", "NHWC")).hasShape(1, 3, 2, 2)
                    .isCloseTo(expected, 0, 0);
        }
    }

    private static double[] negated(double[] v) {
        return Arrays.stream(v).map(d -> -d).toArray();
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void halfPrecisionKeepsItsDtypeAndIntegersAreRejected() {
        assertThat(pool(AVG_2D, x(DType.FLOAT16), "output_size", "(3, 2)")).hasDType(DType.FLOAT16)
                .isCloseTo(new double[] {-0.25, 0.125, -0.0833333333, -0.1666666667, -0.375, 0.0}, 1e-3, 1e-3);
        assertThatThrownBy(() -> pool(AVG_2D, x(DType.INT32))).hasMessageContaining(AVG_2D)
                .hasMessageContaining("input 'data' has dtype int32");
    }

    /** Gradients of {@code op} at {@code x} for the head gradient {@code head}, through autograd. */
    private static NDArray grad(String op, NDArray x, NDArray head, Object... attrs) {
        x.attachGrad();
        NDArray y;
        try (Autograd.Scope s = Autograd.record()) {
            y = pool(op, x, attrs);
        }
        y.backward(head);
        return x.grad();
    }

    @Test
    void maxGradientGoesToTheFirstMaximumOfEachWindow() {
        NDArray x = NDArray.of(Shape.of(1, 1, 5), DType.FLOAT64, 1, 3, 3, 2, 3);
        NDArray head = NDArray.of(Shape.of(1, 1, 2), DType.FLOAT64, 10, 100);
        // windows [0, 3) and [2, 5): the first 3 of each is at index 1 and index 2
        assertThat(grad(MAX, x, head, "output_size", 2)).isCloseTo(new double[] {0, 10, 100, 0, 0}, 0, 0);
    }

    @Test
    void averageGradientSpreadsOverOverlappingWindows() {
        NDArray x = NDArray.of(Shape.of(1, 1, 3), DType.FLOAT64, 5, -1, 7);
        NDArray head = NDArray.of(Shape.of(1, 1, 2), DType.FLOAT64, 2, 4);
        // windows [0, 2) and [1, 3), each of size 2
        assertThat(grad(AVG, x, head, "output_size", 2)).isCloseTo(new double[] {1, 3, 2}, 0, 0);
        NDArray x2 = NDArray.of(Shape.of(1, 1, 2, 3), DType.FLOAT32, 1, 2, 3, 4, 5, 6);
        NDArray head2 = NDArray.of(Shape.of(1, 1, 1, 2), DType.FLOAT32, 6, 12);
        // windows rows [0, 2) x columns [0, 2) and [1, 3), each of 4 elements
        assertThat(grad(AVG_2D, x2, head2, "output_size", "(1, 2)")).isCloseTo(new double[] {1.5, 4.5, 3, 1.5, 4.5,
            3}, 0, 0);
    }

    @Test
    void badInputsAreRejectedNamingOpInputAndShape() {
        assertThatThrownBy(() -> pool(AVG_2D, NDArray.zeros(1, 2, 5), "output_size", 2))
                .hasMessageContaining("op '" + AVG_2D + "'").hasMessageContaining("data must be 4-D")
                .hasMessageContaining("(1, 2, 5)");
        assertThatThrownBy(() -> pool(MAX, NDArray.zeros(2, 5))).hasMessageContaining("op '" + MAX + "'")
                .hasMessageContaining("data must be 3-D").hasMessageContaining("(2, 5)");
        assertThatThrownBy(() -> pool(AVG_2D, x(DType.FLOAT32), "output_size", "(2, 0)"))
                .hasMessageContaining("output_size=(2, 0) must hold positive sizes");
        assertThatThrownBy(() -> pool(AVG, x(DType.FLOAT32), "output_size", 0))
                .hasMessageContaining("output_size=(0,) must hold positive sizes");
        assertThatThrownBy(() -> pool(AVG_2D, x(DType.FLOAT32), "output_size", "(2, 3, 4)"))
                .hasMessageContaining("output_size=(2, 3, 4) has 3 elements but data (1, 1, 5, 7) has 2 spatial axes");
        assertThatThrownBy(() -> pool(MAX, NDArray.zeros(1, 1, 4), "output_size", "(2, 2)"))
                .hasMessageContaining("has 2 elements but data (1, 1, 4) has 1 spatial axis;");
        assertThatThrownBy(() -> pool(AVG, NDArray.zeros(1, 1, 0, 3), "output_size", 2))
                .hasMessageContaining("data (1, 1, 0, 3) has an empty spatial axis");
        assertThatThrownBy(() -> pool(AVG, NDArray.zeros(1, 1, 4), "layout", "NHWC"))
                .hasMessageContaining("layout=NHWC is for 2-D data");
        assertThatThrownBy(() -> pool(AVG_2D, x(DType.FLOAT32), "pool_type", "max"))
                .hasMessageContaining("has no attribute 'pool_type'");
    }

    @Test
    void outputSpatialSizesFollowFromTheDataRankAloneAndBatchAndChannelsGoBothWays() {
        OpDef op = OpRegistry.global().get(AVG_2D);
        ShapeSlots forward = new ShapeSlots(op, op.attrs(Map.of("output_size", "(3, 2)")),
                List.of(Shape.partial(-1, 4, -1, -1)), Arrays.asList((Shape) null));
        op.inferShapesPartial(forward);
        assertThat(forward.outputs()).containsExactly(Shape.partial(-1, 4, 3, 2));
        OpDef nwc = OpRegistry.global().get(MAX);
        ShapeSlots backward = new ShapeSlots(nwc, nwc.attrs(Map.of("layout", "NWC")), Arrays.asList((Shape) null),
                List.of(Shape.of(2, 1, 5)));
        nwc.inferShapesPartial(backward);
        assertThat(backward.inputs()).containsExactly(Shape.partial(2, -1, 5));
    }

    @Test
    void symbolJsonNameAndGradientOpsAreMXNets() {
        OpDef op = OpRegistry.global().get(AVG_2D);
        assertThat(op.mxnetName()).isEqualTo(AVG_2D);
        assertThat(op.attrs(Map.of("output_size", 3)).toMXNetStrings(op)).containsExactly(Map.entry("output_size",
                "(3,)"));
        assertThat(OpRegistry.global().get("_backward_contrib_AdaptiveAvgPooling2D").inputNames(op.defaultAttrs()))
                .containsExactly("ograd", "data");
        assertThat(OpRegistry.global().get("_backward_contrib_AdaptiveMaxPooling").inputNames(op.defaultAttrs()))
                .containsExactly("ograd", "data", "output");
    }

    @Test
    void typedSurfaceHasAMethodPerAdaptiveOp() {
        NDArray x = x(DType.FLOAT32);
        assertThat(nd.adaptiveAvgPooling2D(x, Map.of("output_size", "(3, 2)"))).hasShape(1, 1, 3, 2);
        assertThat(nd.adaptiveAvgPooling(x)).hasShape(1, 1, 1, 1);
        assertThat(nd.adaptiveMaxPooling(x, Map.of("output_size", 4))).hasShape(1, 1, 4, 4);
    }
}
