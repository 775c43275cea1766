package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeconvolutionTest {

    private static NDArray arr(DType t, int[] dims, double[] v) {
        return NDArray.of(Shape.of(dims), t, v);
    }

    /** Runs Deconvolution on random inputs and compares with the scattering reference; od is the expected shape. */
    private static void checkAgainstDirect(DType t, int[] xd, int filters, int groups, int[] kernel, int[] stride,
                                           int[] dilate, int[] pad, int[] adj, int[] od, boolean bias, double tol) {
        int[] wd = new int[kernel.length + 2];
        wd[0] = xd[1];
        wd[1] = filters / groups;
        System.arraycopy(kernel, 0, wd, 2, kernel.length);
        double[] x = DirectConv.values(DirectConv.prod(xd, 0), 11);
        double[] w = DirectConv.values(DirectConv.prod(wd, 0), 12);
        double[] b = bias ? DirectConv.values(filters, 13) : null;
        double[] expected = DirectConv.deconv(x, xd, w, b, filters, groups, kernel, stride, dilate, pad, od);
        Map<String, Object> attrs = Ops.attrs("kernel", kernel, "stride", stride, "dilate", dilate, "pad", pad,
                "adj", adj, "num_filter", filters, "num_group", groups, "no_bias", !bias);
        NDArray out = bias
                ? Ops.call("Deconvolution", attrs, arr(t, xd, x), arr(t, wd, w), arr(t, new int[] {filters}, b))
                : Ops.call("Deconvolution", attrs, arr(t, xd, x), arr(t, wd, w));
        assertThat(out).hasShape(od).hasDType(t).isCloseTo(expected, tol, tol);
    }

    @Test
    void deconv1dOfOnesKernelSpreadsEachInputOverThreeOutputs() {
        NDArray y = Ops.call("Deconvolution", Ops.attrs("kernel", "(3,)", "num_filter", 1),
                NDArray.of(Shape.of(1, 1, 2), 1, 2), NDArray.ones(1, 1, 3));
        assertThat(y).hasShape(1, 1, 4).isCloseTo(new double[] {1, 3, 3, 2}, 0, 0);
    }

    @Test
    void deconv2dWithStridePadAdjMatchesNumpyLiterals() {
        double[] x = new double[8];
        double[] w = new double[18];
        for (int i = 0; i < 8; i++) {
            x[i] = i + 1;
        }
        for (int i = 0; i < 18; i++) {
            w[i] = i / 10.0;
        }
        NDArray y = Ops.call("Deconvolution", Ops.attrs("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)",
                        "adj", "(1, 1)", "num_filter", "1"), arr(DType.FLOAT64, new int[] {1, 2, 2, 2}, x),
                arr(DType.FLOAT64, new int[] {2, 1, 3, 3}, w));
        assertThat(y).hasShape(1, 1, 4, 4).isCloseTo(new double[] {6.9, 15.3, 8.6, 9.4, 16.0, 35.0, 19.4, 21.4,
                10.3, 22.1, 12.0, 13.2, 13.3, 28.7, 15.6, 16.8}, 1e-12, 1e-12);
    }

    @Test
    void deconv1dWithStrideDilatePadAdjMatchesScatteringReference() {
        // 3 * (5 - 1) + (1 + 2 * 2) - 2 * 1 + 2 = 17
        checkAgainstDirect(DType.FLOAT32, new int[] {2, 3, 5}, 4, 1, new int[] {3}, new int[] {3}, new int[] {2},
                new int[] {1}, new int[] {2}, new int[] {2, 4, 17}, true, 1e-5);
    }

    @Test
    void deconv2dWithGroupsMatchesScatteringReference() {
        // h: 2 * (4 - 1) + 3 - 2 + 1 = 8; w: 1 * (3 - 1) + (1 + 1 * 2) - 0 + 0 = 5
        checkAgainstDirect(DType.FLOAT64, new int[] {2, 4, 4, 3}, 6, 2, new int[] {3, 2}, new int[] {2, 1},
                new int[] {1, 2}, new int[] {1, 0}, new int[] {1, 0}, new int[] {2, 6, 8, 5}, true, 1e-12);
    }

    @Test
    void upsamplingWhoseTapsTileTheOutputMatchesScatteringReference() {
        // kernel = stride = 2, no padding: each output element is one tap of one input position, 2 * 3 = 6
        checkAgainstDirect(DType.FLOAT32, new int[] {2, 4, 3, 3}, 6, 2, new int[] {2, 2}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, new int[] {2, 6, 6, 6}, true, 1e-5);
        checkAgainstDirect(DType.FLOAT32, new int[] {3, 5, 2, 2}, 7, 1, new int[] {2, 2}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, new int[] {3, 7, 4, 4}, false, 1e-5);
    }

    @Test
    void deconv3dMatchesScatteringReference() {
        // d: 2 * 1 + 2 = 4; h: 1 * 2 + 2 - 2 = 2; w: 2 * 3 + 3 - 0 + 1 = 10
        checkAgainstDirect(DType.FLOAT32, new int[] {1, 2, 2, 3, 4}, 3, 1, new int[] {2, 2, 3},
                new int[] {2, 1, 2}, new int[] {1, 1, 1}, new int[] {0, 1, 0}, new int[] {0, 0, 1},
                new int[] {1, 3, 4, 2, 10}, false, 1e-5);
    }

    @Test
    void targetShapeDerivesPadAndAdjAsMXNetDoes() {
        // full size 2 * (3 - 1) + 4 = 8; target 6 -> pad 1, adj 0; target 7 -> pad 1, adj 1
        checkTarget(6, 1);
        checkTarget(7, 1);
        checkTarget(8, 0);
    }

    private static void checkTarget(int target, int pad) {
        int[] xd = {1, 2, 3, 3};
        int[] wd = {2, 2, 4, 4};
        double[] x = DirectConv.values(18, 21);
        double[] w = DirectConv.values(64, 22);
        int[] od = {1, 2, target, target};
        double[] expected = DirectConv.deconv(x, xd, w, null, 2, 1, new int[] {4, 4}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {pad, pad}, od);
        NDArray y = Ops.call("Deconvolution", Ops.attrs("kernel", "(4, 4)", "stride", "(2, 2)", "pad", "(5, 5)",
                        "adj", "(1, 1)", "target_shape", new int[] {target, target}, "num_filter", 2),
                arr(DType.FLOAT64, xd, x), arr(DType.FLOAT64, wd, w));
        assertThat(y).hasShape(od).isCloseTo(expected, 1e-12, 1e-12);
    }

    @Test
    void nhwcLayoutTakesWeightAsInChannelsKernelFilters() {
        int[] xd = {1, 3, 3, 2};
        int[] wd = {3, 2, 2, 2};
        double[] x = DirectConv.values(DirectConv.prod(xd, 0), 31);
        double[] w = DirectConv.values(DirectConv.prod(wd, 0), 32);
        int[] od = {1, 2, 6, 4};
        double[] expected = DirectConv.deconv(x, xd, w, new double[] {1, -1}, 2, 1, new int[] {2, 2},
                new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, od);
        NDArray y = Ops.call("Deconvolution", Ops.attrs("kernel", "(2, 2)", "stride", "(2, 2)", "num_filter", 2,
                        "no_bias", false, "layout", "NHWC"),
                arr(DType.FLOAT32, DirectConv.channelLastDims(xd), DirectConv.toChannelLast(x, xd)),
                arr(DType.FLOAT32, DirectConv.channelLastDims(wd), DirectConv.toChannelLast(w, wd)),
                arr(DType.FLOAT32, new int[] {2}, new double[] {1, -1}));
        assertThat(y).hasShape(DirectConv.channelLastDims(od))
                .isCloseTo(DirectConv.toChannelLast(expected, od), 1e-5, 1e-5);
    }

    @Test
    void noBiasDefaultsToTrueUnlikeConvolution() {
        var op = OpRegistry.global().get("Deconvolution");
        var defaults = op.attrs(Map.of("kernel", "(2, 2)", "num_filter", "3"));
        assertThat(op.inputNames(defaults)).containsExactly("data", "weight");
        assertThat(defaults.values()).containsEntry("no_bias", true).containsEntry("workspace", 512L);
        assertThat(OpRegistry.global().get("_npx_deconvolution")).isSameAs(op);
    }

    @Test
    void weightShapeErrorShowsInChannelsFirstLayout() {
        assertThatThrownBy(() -> Ops.call("Deconvolution", Ops.attrs("kernel", "(3, 3)", "num_filter", 8,
                "num_group", 2), NDArray.zeros(1, 4, 5, 5), NDArray.zeros(8, 4, 3, 3)))
                .hasMessageContaining("Deconvolution").hasMessageContaining("weight has shape (8, 4, 3, 3)")
                .hasMessageContaining("expected (4, 4, 3, 3)");
    }

    @Test
    void adjAndTargetShapeErrorsNameTheAttribute() {
        assertThatThrownBy(() -> Ops.call("Deconvolution", Ops.attrs("kernel", "(3, 3)", "stride", "(2, 2)", "adj",
                "(2, 0)", "num_filter", 1), NDArray.zeros(1, 1, 3, 3), NDArray.zeros(1, 1, 3, 3)))
                .hasMessageContaining("adj=(2, 0) must be smaller than stride=(2, 2)");
        assertThatThrownBy(() -> Ops.call("Deconvolution", Ops.attrs("kernel", "(3, 3)", "target_shape", "(9, 9)",
                "num_filter", 1), NDArray.zeros(1, 1, 3, 3), NDArray.zeros(1, 1, 3, 3)))
                .hasMessageContaining("target_shape=(9, 9) is too big");
        // stride 1 with an odd difference would need adj = 1
        assertThatThrownBy(() -> Ops.call("Deconvolution", Ops.attrs("kernel", "(3, 3)", "target_shape", "(4, 4)",
                "num_filter", 1), NDArray.zeros(1, 1, 3, 3), NDArray.zeros(1, 1, 3, 3)))
                .hasMessageContaining("derived from target_shape=(4, 4)");
        assertThatThrownBy(() -> Ops.call("Deconvolution", Ops.attrs("kernel", "(3, 3)", "adj", "(1,)",
                "num_filter", 1), NDArray.zeros(1, 1, 3, 3), NDArray.zeros(1, 1, 3, 3)))
                .hasMessageContaining("adj=(1,) must have as many elements as kernel=(3, 3)");
        assertThatThrownBy(() -> Ops.call("Deconvolution", Ops.attrs("kernel", "(2, 2, 2)", "dilate", "(2, 2, 2)",
                "num_filter", 1), NDArray.zeros(1, 1, 3, 3, 3), NDArray.zeros(1, 1, 2, 2, 2)))
                .hasMessageContaining("not supported for 3-D deconvolution");
    }
}
