package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected values come from an independent Python implementation of MXNet's CPU pooling, pasted as literals. */
class PoolingTest {
    /** 5x5 values (i * 7 % 11) - 5. */
    private static final double[] X2 = {-5, 2, -2, 5, 1, -3, 4, 0, -4, 3, -1, -5, 2, -2, 5, 1, -3, 4, 0, -4, 3, -1,
        -5, 2, -2};

    private static NDArray x2(DType t) {
        return NDArray.of(Shape.of(1, 1, 5, 5), t, X2);
    }

    private static NDArray pool(NDArray x, Object... attrs) {
        return Ops.call("Pooling", Ops.attrs(attrs), x);
    }

    @Test
    void maxPoolingWithStrideAndPadIgnoresPadding() {
        assertThat(pool(x2(DType.FLOAT32), "kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)"))
                .hasShape(1, 1, 3, 3).isCloseTo(new double[] {4, 5, 5, 4, 4, 5, 3, 4, 2}, 0, 0);
    }

    @Test
    void maxIsTheDefaultPoolTypeAndValidTheDefaultConvention() {
        var op = OpRegistry.global().get("Pooling");
        var a = op.attrs(Map.of("kernel", "(2, 2)"));
        assertThat(a.values()).containsEntry("pool_type", "max").containsEntry("pooling_convention", "valid")
                .containsEntry("global_pool", false).containsEntry("count_include_pad", null)
                .containsEntry("p_value", null);
        assertThat(op.inputNames(a)).containsExactly("data");
        assertThat(OpRegistry.global().get("_npx_pooling")).isSameAs(op);
    }

    @Test
    void fullConventionCeilsAndClipsTheLastWindowToTheData() {
        assertThat(pool(x2(DType.FLOAT32), "kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "avg",
                "pooling_convention", "full")).hasShape(1, 1, 3, 3)
                .isCloseTo(new double[] {-0.5, -0.25, 2.0, -2.0, 1.0, 0.5, 1.0, -1.5, -2.0}, 1e-6, 1e-6);
        assertThat(pool(x2(DType.FLOAT32), "kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "avg",
                "pooling_convention", "valid")).hasShape(1, 1, 2, 2);
    }

    @Test
    void fullConventionWithPadCountsPaddingOnlyWhenAsked() {
        assertThat(pool(x2(DType.FLOAT64), "kernel", "(2, 2)", "stride", "(2, 2)", "pad", "(1, 1)", "pool_type", "avg",
                "pooling_convention", "full")).hasShape(1, 1, 4, 4).isCloseTo(new double[] {-1.25, 0.0, 1.5, 0.0,
                    -1.0, 0.25, 0.5, 0.0, 1.0, -1.25, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0}, 1e-12, 1e-12);
        assertThat(pool(x2(DType.FLOAT64), "kernel", "(2, 2)", "stride", "(2, 2)", "pad", "(1, 1)", "pool_type", "avg",
                "pooling_convention", "full", "count_include_pad", "False")).isCloseTo(new double[] {-5.0, 0.0, 3.0,
                    0.0, -2.0, 0.25, 0.5, 0.0, 2.0, -1.25, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0}, 1e-12, 1e-12);
    }

    @Test
    void avgPoolingDividesByPaddedWindowByDefaultAndByValidCountOtherwise() {
        double[] withPad = {-0.2222222222, -0.4444444444, 0.5555555556, 0.3333333333, 0.5555555556, -0.8888888889,
            -0.8888888889, 0.0, 0.8888888889, 0.8888888889, -0.7777777778, -0.1111111111, -0.4444444444, 0.4444444444,
            -0.2222222222, -0.6666666667, -0.5555555556, -0.8888888889, 0.0, -0.1111111111, 0.0, -0.1111111111,
            -0.3333333333, -0.5555555556, -0.4444444444};
        double[] validOnly = {-0.5, -0.6666666667, 0.8333333333, 0.5, 1.25, -1.3333333333, -0.8888888889, 0.0,
            0.8888888889, 1.3333333333, -1.1666666667, -0.1111111111, -0.4444444444, 0.4444444444, -0.3333333333, -1.0,
            -0.5555555556, -0.8888888889, 0.0, -0.1666666667, 0.0, -0.1666666667, -0.5, -0.8333333333, -1.0};
        assertThat(pool(x2(DType.FLOAT32), "kernel", "(3, 3)", "pad", "(1, 1)", "pool_type", "avg"))
                .hasShape(1, 1, 5, 5).isCloseTo(withPad, 1e-6, 1e-6);
        assertThat(pool(x2(DType.FLOAT32), "kernel", "(3, 3)", "pad", "(1, 1)", "pool_type", "avg",
                "count_include_pad", true)).isCloseTo(withPad, 1e-6, 1e-6);
        assertThat(pool(x2(DType.FLOAT32), "kernel", "(3, 3)", "pad", "(1, 1)", "pool_type", "avg",
                "count_include_pad", false)).isCloseTo(validOnly, 1e-6, 1e-6);
    }

    @Test
    void sumPoolingAddsEachWindow() {
        assertThat(pool(x2(DType.FLOAT32), "kernel", "(2, 2)", "pool_type", "sum")).hasShape(1, 1, 4, 4)
                .isCloseTo(new double[] {-2, 4, -1, 5, -5, 1, -4, 2, -8, -2, 4, -1, 0, -5, 1, -4}, 0, 1e-6);
    }

    @Test
    void lpPoolingTakesThePthRootOfSummedPowersWithoutAbsoluteValues() {
        Object[] common = {"kernel", "(2, 3)", "stride", "(2, 1)", "pad", "(0, 1)", "pool_type", "lp"};
        assertThat(Ops.call("Pooling", Ops.attrs(concat(common, "p_value", 1)), x2(DType.FLOAT64)))
                .hasShape(1, 1, 2, 5).isCloseTo(new double[] {-2, -4, 5, 3, 5, -8, -2, -4, 5, -1}, 0, 1e-12);
        assertThat(Ops.call("Pooling", Ops.attrs(concat(common, "p_value", 2)), x2(DType.FLOAT64)))
                .isCloseTo(new double[] {7.3484692283, 7.6157731059, 8.0622577483, 7.4161984871, 7.1414284285, 6.0,
                    7.4833147735, 7.6157731059, 8.0622577483, 6.7082039325}, 1e-9, 1e-9);
        assertThat(Ops.call("Pooling", Ops.attrs(concat(common, "p_value", 3)), x2(DType.FLOAT32)))
                .isCloseTo(new double[] {-4.3088693801, -4.4479601811, 5.0, 4.3267487109, 4.4647450956,
                    -5.3368032974, -4.3088693801, -4.4479601811, 5.0, 3.7562857542}, 1e-5, 1e-5);
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void sameConventionGivesCeilOfSizeOverStrideIn1d() {
        NDArray x = NDArray.of(Shape.of(1, 1, 5), 3, -1, 4, 1, -5);
        assertThat(pool(x, "kernel", "(3,)", "stride", "(2,)", "pooling_convention", "same"))
                .hasShape(1, 1, 3).isCloseTo(new double[] {4, 4, -5}, 0, 0);
        assertThat(pool(x, "kernel", "(3,)", "stride", "(2,)", "pooling_convention", "same", "pool_type", "avg"))
                .isCloseTo(new double[] {2, 0, -5}, 0, 1e-6);
    }

    @Test
    void threeDimensionalAvgAndMaxPooling() {
        double[] x = new double[72];
        for (int i = 0; i < 72; i++) {
            x[i] = (i * 5 % 13) / 4.0;
        }
        NDArray x3 = NDArray.of(Shape.of(1, 2, 3, 3, 4), DType.FLOAT32, x);
        assertThat(pool(x3, "kernel", "(2, 2, 3)", "stride", "(1, 2, 1)", "pad", "(1, 0, 1)", "pool_type", "avg",
                "count_include_pad", false)).hasShape(1, 2, 4, 1, 4).isCloseTo(new double[] {1.5, 1.5833333333, 1.75,
                    1.5625, 1.28125, 1.5, 1.6666666667, 1.75, 1.25, 1.3333333333, 1.5, 1.71875, 1.4375, 1.25,
                    1.4166666667, 1.5, 1.8125, 1.625, 1.25, 1.0625, 1.59375, 1.5416666667, 1.4375, 1.25, 1.15625, 1.375,
                    1.5416666667, 1.625, 0.9375, 1.2916666667, 1.4583333333, 1.8125}, 1e-6, 1e-6);
        assertThat(pool(x3, "kernel", "(2, 2, 2)", "stride", "(2, 2, 2)", "pooling_convention", "full"))
                .hasShape(1, 2, 2, 2, 2).isCloseTo(new double[] {3.0, 3.0, 2.25, 2.75, 2.5, 3.0, 2.25, 1.5, 2.75, 2.5,
                    3.0, 2.25, 2.0, 2.75, 1.75, 3.0}, 0, 0);
    }

    @Test
    void windowsEntirelyInPaddingGiveLowestFloatForMaxZeroForAvgAndNanIn3d() {
        NDArray x = NDArray.of(Shape.of(1, 1, 3), 1, 2, 3);
        float low = -Float.MAX_VALUE;
        assertThat(pool(x, "kernel", "(2,)", "pad", "(2,)")).hasShape(1, 1, 6)
                .isCloseTo(new double[] {low, 1, 2, 3, 3, low}, 0, 0);
        assertThat(pool(x, "kernel", "(2,)", "pad", "(2,)", "pool_type", "avg", "count_include_pad", false))
                .isCloseTo(new double[] {0, 1, 1.5, 2.5, 3, 0}, 0, 0);
        NDArray x3 = NDArray.full(Shape.of(1, 1, 1, 1, 3), 2, DType.FLOAT32, dev.kiln.ndarray.Device.cpu());
        assertThat(pool(x3, "kernel", "(1, 1, 2)", "pad", "(0, 0, 2)", "pool_type", "avg", "count_include_pad",
                false)).hasShape(1, 1, 1, 1, 6).isCloseTo(new double[] {Double.NaN, 2, 2, 2, 2, Double.NaN}, 0, 0);
    }

    @Test
    void allPaddingMaxWindowGivesTheLowestFiniteValueOfEachDtype() {
        NDArray x = NDArray.of(Shape.of(1, 1, 1), DType.FLOAT64, 7);
        assertThat(pool(x, "kernel", "(1,)", "pad", "(1,)")).isCloseTo(new double[] {-Double.MAX_VALUE, 7,
            -Double.MAX_VALUE}, 0, 0);
        assertThat(pool(x.astype(DType.FLOAT16), "kernel", "(1,)", "pad", "(1,)"))
                .isCloseTo(new double[] {-65504, 7, -65504}, 0, 0);
        assertThat(pool(x.astype(DType.BFLOAT16), "kernel", "(1,)", "pad", "(1,)"))
                .isCloseTo(new double[] {-3.3895313892515355e38, 7, -3.3895313892515355e38}, 0, 0);
    }

    @Test
    void maxPoolingSkipsNaN() {
        NDArray x = NDArray.of(Shape.of(1, 1, 3), Float.NaN, 2, Float.NaN);
        assertThat(pool(x, "kernel", "(2,)")).isCloseTo(new double[] {2, 2}, 0, 0);
    }

    @Test
    void globalPoolingIgnoresKernelStrideAndPad() {
        double[] v = new double[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i * 5 % 7;
        }
        NDArray x = NDArray.of(Shape.of(2, 3, 4), DType.FLOAT32, v);
        assertThat(pool(x, "global_pool", true, "pool_type", "avg", "kernel", "(3,)", "pad", "(1,)"))
                .hasShape(2, 3, 1).isCloseTo(new double[] {2.25, 3.0, 3.75, 2.75, 3.5, 2.5}, 1e-6, 1e-6);
        assertThat(pool(x, "global_pool", true)).hasShape(2, 3, 1)
                .isCloseTo(new double[] {5, 6, 6, 5, 6, 5}, 0, 0);
    }

    @Test
    void channelsLastLayoutsPoolEachChannelSeparately() {
        // NHWC: (1, 5, 5, 2) where channel 0 is X2 and channel 1 is -X2
        double[] v = new double[50];
        for (int i = 0; i < 25; i++) {
            v[2 * i] = X2[i];
            v[2 * i + 1] = -X2[i];
        }
        NDArray x = NDArray.of(Shape.of(1, 5, 5, 2), DType.FLOAT32, v);
        assertThat(pool(x, "kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)", "layout", "NHWC"))
                .hasShape(1, 3, 3, 2).isCloseTo(new double[] {4, 5, 5, 4, 5, 4, 4, 5, 4, 5, 5, 4, 3, 3, 4, 5, 2,
                    4}, 0, 0);
        NDArray g = pool(x, "global_pool", true, "pool_type", "sum", "layout", "NHWC");
        assertThat(g).hasShape(1, 1, 1, 2).isCloseTo(new double[] {-5, 5}, 0, 1e-5);
        NDArray nwc = NDArray.of(Shape.of(1, 3, 2), 1, -1, 5, -5, 2, -2);
        assertThat(pool(nwc, "kernel", "(2,)", "layout", "NWC")).hasShape(1, 2, 2)
                .isCloseTo(new double[] {5, -1, 5, -2}, 0, 0);
    }

    @Test
    void halfPrecisionPoolsInFloat32AndReturnsItsDtype() {
        NDArray y = pool(x2(DType.BFLOAT16), "kernel", "(2, 2)", "pool_type", "sum");
        assertThat(y).hasDType(DType.BFLOAT16).isCloseTo(new double[] {-2, 4, -1, 5, -5, 1, -4, 2, -8, -2, 4, -1, 0,
            -5, 1, -4}, 0, 0);
    }

    @Test
    void badAttributesAreRejectedWithTheirNames() {
        NDArray x = x2(DType.FLOAT32);
        assertThatThrownBy(() -> pool(x)).hasMessageContaining("kernel is required unless global_pool=True");
        assertThatThrownBy(() -> pool(x, "kernel", "(2,)")).hasMessageContaining("kernel=(2,) has 1 elements")
                .hasMessageContaining("(1, 1, 5, 5)");
        assertThatThrownBy(() -> pool(x, "kernel", "(6, 6)")).hasMessageContaining("kernel=(6, 6) exceeds data");
        assertThatThrownBy(() -> pool(x, "kernel", "(2, 2)", "pool_type", "lp"))
                .hasMessageContaining("p_value is required");
        assertThatThrownBy(() -> pool(x, "kernel", "(2, 2)", "pool_type", "lp", "p_value", 4))
                .hasMessageContaining("p_value=4 is not supported");
        assertThatThrownBy(() -> pool(x, "kernel", "(2, 2)", "pooling_convention", "same"))
                .hasMessageContaining("'same' supports 1-D data");
        assertThatThrownBy(() -> pool(NDArray.zeros(1, 1, 5), "kernel", "(2,)", "pad", "(1,)",
                "pooling_convention", "same")).hasMessageContaining("does not allow pad");
        assertThatThrownBy(() -> pool(x, "kernel", "(2, 2)", "stride", "(1, 1, 1)"))
                .hasMessageContaining("stride=(1, 1, 1) must have as many elements as kernel=(2, 2)");
        assertThatThrownBy(() -> pool(x, "kernel", "(2, 2)", "layout", "NCDHW"))
                .hasMessageContaining("layout=NCDHW is for 3-D data");
        assertThatThrownBy(() -> pool(NDArray.zeros(5, 5), "kernel", "(2,)"))
                .hasMessageContaining("data must be 3-D");
        assertThatThrownBy(() -> pool(x, "kernel", "(2, 2)", "pool_type", "median"))
                .hasMessageContaining("pool_type");
    }

    @Test
    void everyPoolTypeOverwritesEveryElementOfAStalePlannedOutput() {
        var op = OpRegistry.global().get("Pooling");
        Object[][] configs = {
            {"kernel", "(2, 2)", "stride", "(2, 2)"},
            {"kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)"},
            {"kernel", "(2, 2)", "stride", "(2, 2)", "pad", "(1, 1)", "pool_type", "avg", "pooling_convention",
                "full"},
            {"kernel", "(3, 2)", "pool_type", "sum"},
            {"kernel", "(2, 2)", "pool_type", "lp", "p_value", 2},
            {"kernel", "(1, 1)", "global_pool", true, "pool_type", "avg"},
        };
        Random r = new Random(9);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] v = new double[2 * 3 * 8 * 7];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble() * 2 - 1;
            }
            NDArray x = NDArray.of(Shape.of(2, 3, 8, 7), t, v);
            for (Object[] c : configs) {
                var attrs = op.attrs(Ops.attrs(c));
                NDArray fresh = pool(x, c);
                NDArray stale = NDArray.zeros(fresh.shape(), t, x.device());
                stale.fill(Double.NaN);
                var call = new Invocation(op, attrs, List.of(x), List.of(fresh.shape()), List.of(t), x.device(),
                        i -> stale);
                assertThat(op.fillsOutputs(attrs)).isTrue();
                assertThat(op.compute(call).getFirst()).as("%s %s", t, Arrays.toString(c)).isSameAs(stale);
                assertThat(stale.toDoubleArray()).as("%s %s", t, Arrays.toString(c))
                        .containsExactly(fresh.toDoubleArray());
            }
        }
    }
}
