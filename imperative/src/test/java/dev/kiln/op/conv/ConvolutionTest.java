package dev.kiln.op.conv;

import dev.kiln.KilnException;
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

class ConvolutionTest {

    private static NDArray arr(DType t, int[] dims, double[] v) {
        return NDArray.of(Shape.of(dims), t, v);
    }

    /** Runs Convolution on random inputs and compares with the direct reference (channels second). */
    private static void checkAgainstDirect(DType t, int[] xd, int filters, int groups, int[] kernel, int[] stride,
                                           int[] dilate, int[] pad, boolean bias, double tol) {
        int[] wd = new int[kernel.length + 2];
        wd[0] = filters;
        wd[1] = xd[1] / groups;
        System.arraycopy(kernel, 0, wd, 2, kernel.length);
        double[] x = DirectConv.values(DirectConv.prod(xd, 0), 1);
        double[] w = DirectConv.values(DirectConv.prod(wd, 0), 2);
        double[] b = bias ? DirectConv.values(filters, 3) : null;
        int[] od = new int[xd.length];
        od[0] = xd[0];
        od[1] = filters;
        for (int i = 0; i < kernel.length; i++) {
            od[i + 2] = (xd[i + 2] + 2 * pad[i] - (1 + (kernel[i] - 1) * dilate[i])) / stride[i] + 1;
        }
        double[] expected = DirectConv.conv(x, xd, w, b, filters, groups, kernel, stride, dilate, pad, od);
        Map<String, Object> attrs = Ops.attrs("kernel", kernel, "stride", stride, "dilate", dilate, "pad", pad,
                "num_filter", filters, "num_group", groups, "no_bias", !bias);
        NDArray out = bias
                ? Ops.call("Convolution", attrs, arr(t, xd, x), arr(t, wd, w), arr(t, new int[] {filters}, b))
                : Ops.call("Convolution", attrs, arr(t, xd, x), arr(t, wd, w));
        assertThat(out).hasShape(od).hasDType(t).isCloseTo(expected, tol, tol);
    }

    @Test
    void conv2dOfOnesKernelSumsEachWindowAndAddsBias() {
        NDArray x = NDArray.of(Shape.of(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        NDArray w = NDArray.ones(1, 1, 2, 2);
        NDArray b = NDArray.of(Shape.of(1), 0.5f);
        NDArray y = Ops.call("Convolution", Ops.attrs("kernel", "(2, 2)", "num_filter", 1), x, w, b);
        assertThat(y).hasShape(1, 1, 2, 2).isCloseTo(new double[] {12.5, 16.5, 24.5, 28.5}, 0, 1e-6);
    }

    @Test
    void conv2dWithStrideAndPadMatchesNumpyLiterals() {
        double[] x = new double[32];
        double[] w = new double[36];
        for (int i = 0; i < 32; i++) {
            x[i] = i / 10.0;
        }
        for (int i = 0; i < 36; i++) {
            w[i] = i / 10.0 - 1.8;
        }
        NDArray y = Ops.call("Convolution", Ops.attrs("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)",
                        "num_filter", "2"), arr(DType.FLOAT64, new int[] {1, 2, 4, 4}, x),
                arr(DType.FLOAT64, new int[] {2, 2, 3, 3}, w), arr(DType.FLOAT64, new int[] {2}, new double[] {0.1, -0.2}));
        assertThat(y).hasShape(1, 2, 2, 2).isCloseTo(
                new double[] {-3.06, -6.66, -12.41, -22.64, 11.76, 18.96, 22.93, 35.38}, 1e-12, 1e-12);
    }

    @Test
    void conv1dWithStrideDilatePadMatchesDirectConvolution() {
        checkAgainstDirect(DType.FLOAT32, new int[] {2, 3, 11}, 4, 1, new int[] {3}, new int[] {2}, new int[] {2},
                new int[] {2}, true, 1e-5);
    }

    @Test
    void conv2dWithGroupsStrideDilatePadMatchesDirectConvolution() {
        checkAgainstDirect(DType.FLOAT32, new int[] {2, 4, 7, 8}, 6, 2, new int[] {3, 2}, new int[] {2, 1},
                new int[] {1, 2}, new int[] {1, 0}, true, 1e-5);
    }

    @Test
    void conv2dDepthwiseWithoutBiasMatchesDirectConvolution() {
        checkAgainstDirect(DType.FLOAT64, new int[] {1, 3, 5, 5}, 3, 3, new int[] {3, 3}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, false, 1e-12);
    }

    @Test
    void conv3dMatchesDirectConvolution() {
        checkAgainstDirect(DType.FLOAT32, new int[] {2, 2, 4, 5, 6}, 3, 1, new int[] {2, 3, 2},
                new int[] {1, 2, 2}, new int[] {1, 1, 2}, new int[] {1, 1, 0}, true, 1e-5);
        checkAgainstDirect(DType.FLOAT64, new int[] {1, 4, 3, 3, 3}, 2, 2, new int[] {1, 1, 1},
                new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {0, 0, 0}, true, 1e-12);
    }

    @Test
    void pointwiseKernelUsesDataDirectlyAndMatchesDirectConvolution() {
        checkAgainstDirect(DType.FLOAT32, new int[] {3, 6, 4, 5}, 4, 2, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {0, 0}, true, 1e-5);
    }

    @Test
    void largeBatchSplitAcrossThreadsMatchesDirectConvolution() {
        checkAgainstDirect(DType.FLOAT32, new int[] {5, 8, 20, 20}, 16, 1, new int[] {3, 3}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, true, 1e-4);
    }

    @Test
    void eachBatchElementIsComputedAloneWhateverTheSplitAcrossThreads() {
        int[] xd = {6, 8, 12, 12};
        double[] x = DirectConv.values(DirectConv.prod(xd, 0), 51);
        NDArray w = NDArray.of(Shape.of(16, 8, 3, 3), DType.FLOAT32, DirectConv.values(16 * 8 * 9, 52));
        Map<String, Object> attrs = Ops.attrs("kernel", "(3, 3)", "pad", "(1, 1)", "num_filter", 16, "no_bias", true);
        float[] batch = Ops.call("Convolution", attrs, arr(DType.FLOAT32, xd, x), w).toFloatArray();
        int in = 8 * 12 * 12;
        int out = 16 * 12 * 12;
        for (int n = 0; n < xd[0]; n++) {
            double[] one = java.util.Arrays.copyOfRange(x, n * in, (n + 1) * in);
            float[] alone = Ops.call("Convolution", attrs, arr(DType.FLOAT32, new int[] {1, 8, 12, 12}, one), w)
                    .toFloatArray();
            assertThat(java.util.Arrays.copyOfRange(batch, n * out, (n + 1) * out)).containsExactly(alone);
        }
    }

    @Test
    void float16DataComputesInFloat32AndReturnsFloat16() {
        NDArray x = NDArray.of(Shape.of(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9).astype(DType.FLOAT16);
        NDArray w = NDArray.ones(1, 1, 2, 2).astype(DType.FLOAT16);
        NDArray y = Ops.call("Convolution", Ops.attrs("kernel", "(2, 2)", "num_filter", 1, "no_bias", "True"), x, w);
        assertThat(y).hasDType(DType.FLOAT16).isCloseTo(new double[] {12, 16, 24, 28}, 0, 0);
    }

    @Test
    void nhwcLayoutTakesChannelsLastForDataWeightAndOutput() {
        int[] xd = {2, 3, 5, 4};
        int[] wd = {4, 3, 3, 3};
        double[] x = DirectConv.values(DirectConv.prod(xd, 0), 5);
        double[] w = DirectConv.values(DirectConv.prod(wd, 0), 6);
        double[] b = {0.1, 0.2, 0.3, 0.4};
        int[] od = {2, 4, 3, 2};
        double[] expected = DirectConv.conv(x, xd, w, b, 4, 1, new int[] {3, 3}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {0, 0}, od);
        NDArray y = Ops.call("Convolution", Ops.attrs("kernel", "(3, 3)", "num_filter", 4, "layout", "NHWC"),
                arr(DType.FLOAT64, DirectConv.channelLastDims(xd), DirectConv.toChannelLast(x, xd)),
                arr(DType.FLOAT64, DirectConv.channelLastDims(wd), DirectConv.toChannelLast(w, wd)),
                arr(DType.FLOAT64, new int[] {4}, b));
        assertThat(y).hasShape(DirectConv.channelLastDims(od))
                .isCloseTo(DirectConv.toChannelLast(expected, od), 1e-12, 1e-12);
    }

    @Test
    void nwcAndNdhwcLayoutsMatchChannelsFirstResults() {
        for (int[] xd : new int[][] {{1, 2, 6}, {1, 2, 3, 4, 3}}) {
            int rank = xd.length - 2;
            int[] kernel = new int[rank];
            java.util.Arrays.fill(kernel, 2);
            int[] wd = new int[xd.length];
            wd[0] = 3;
            wd[1] = 2;
            System.arraycopy(kernel, 0, wd, 2, rank);
            double[] x = DirectConv.values(DirectConv.prod(xd, 0), 7);
            double[] w = DirectConv.values(DirectConv.prod(wd, 0), 8);
            NDArray first = Ops.call("Convolution", Ops.attrs("kernel", kernel, "num_filter", 3, "no_bias", true),
                    arr(DType.FLOAT64, xd, x), arr(DType.FLOAT64, wd, w));
            NDArray last = Ops.call("Convolution", Ops.attrs("kernel", kernel, "num_filter", 3, "no_bias", true,
                            "layout", rank == 1 ? "NWC" : "NDHWC"),
                    arr(DType.FLOAT64, DirectConv.channelLastDims(xd), DirectConv.toChannelLast(x, xd)),
                    arr(DType.FLOAT64, DirectConv.channelLastDims(wd), DirectConv.toChannelLast(w, wd)));
            int[] od = first.shape().dims();
            assertThat(last).hasShape(DirectConv.channelLastDims(od))
                    .isCloseTo(DirectConv.toChannelLast(first.toDoubleArray(), od), 1e-12, 1e-12);
        }
    }

    @Test
    void noBiasDropsTheBiasInputAndDefaultsMatchMXNet() {
        var op = OpRegistry.global().get("Convolution");
        var defaults = op.attrs(Map.of("kernel", "(3, 3)", "num_filter", "8"));
        assertThat(op.inputNames(defaults)).containsExactly("data", "weight", "bias");
        assertThat(defaults.values()).containsEntry("no_bias", false).containsEntry("num_group", 1)
                .containsEntry("workspace", 1024L).containsEntry("cudnn_off", false).containsEntry("layout", null);
        var noBias = op.attrs(Map.of("kernel", "(3, 3)", "num_filter", "8", "no_bias", "True"));
        assertThat(op.inputNames(noBias)).containsExactly("data", "weight");
        assertThat(OpRegistry.global().get("_npx_convolution")).isSameAs(op);
    }

    @Test
    void batchOfZeroGivesEmptyOutput() {
        NDArray y = Ops.call("Convolution", Ops.attrs("kernel", "(3,)", "num_filter", 2, "no_bias", true),
                NDArray.zeros(0, 1, 5), NDArray.zeros(2, 1, 3));
        assertThat(y).hasShape(0, 2, 3);
    }

    @Test
    void weightShapeErrorNamesWeightAndBothShapes() {
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(3, 3)", "num_filter", 8, "no_bias",
                true), NDArray.zeros(2, 4, 6, 6), NDArray.zeros(8, 3, 3, 3)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("Convolution").hasMessageContaining("weight has shape (8, 3, 3, 3)")
                .hasMessageContaining("expected (8, 4, 3, 3)").hasMessageContaining("data (2, 4, 6, 6)");
    }

    @Test
    void biasShapeErrorNamesBiasAndNumFilter() {
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(1, 1)", "num_filter", 2),
                NDArray.zeros(1, 1, 2, 2), NDArray.zeros(2, 1, 1, 1), NDArray.zeros(3)))
                .hasMessageContaining("bias has shape (3,)").hasMessageContaining("expected (2,)");
    }

    @Test
    void badDataAndAttributeCombinationsAreRejectedWithTheirNames() {
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(3, 3)", "num_filter", 2, "no_bias",
                true), NDArray.zeros(2, 4, 6), NDArray.zeros(2, 4, 3, 3)))
                .hasMessageContaining("data must be 4-D").hasMessageContaining("(2, 4, 6)");
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(5, 5)", "num_filter", 2, "no_bias",
                true), NDArray.zeros(1, 1, 4, 4), NDArray.zeros(2, 1, 5, 5)))
                .hasMessageContaining("exceeds data (1, 1, 4, 4)");
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(3, 3)", "num_filter", 3, "num_group",
                2, "no_bias", true), NDArray.zeros(1, 4, 4, 4), NDArray.zeros(3, 2, 3, 3)))
                .hasMessageContaining("num_filter=3 must be divisible by num_group=2");
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(3, 3)", "num_filter", 2, "num_group",
                2, "no_bias", true), NDArray.zeros(1, 3, 4, 4), NDArray.zeros(2, 1, 3, 3)))
                .hasMessageContaining("3 channels, which num_group=2 does not divide");
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(3, 3)", "stride", "(1,)",
                "num_filter", 2, "no_bias", true), NDArray.zeros(1, 1, 4, 4), NDArray.zeros(2, 1, 3, 3)))
                .hasMessageContaining("stride=(1,) must have as many elements as kernel=(3, 3)");
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(3, 3)", "num_filter", 2, "no_bias",
                true, "layout", "NCW"), NDArray.zeros(1, 1, 4, 4), NDArray.zeros(2, 1, 3, 3)))
                .hasMessageContaining("layout=NCW is for 1-D data");
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(3, 3, 3, 3)", "num_filter", 2),
                NDArray.zeros(1, 1, 4, 4), NDArray.zeros(2, 1, 3, 3), NDArray.zeros(2)))
                .hasMessageContaining("kernel=(3, 3, 3, 3) must have 1, 2 or 3 elements");
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("num_filter", 2)))
                .hasMessageContaining("'kernel'").hasMessageContaining("required");
    }

    @Test
    void integerDataIsRejectedNamingTheInput() {
        NDArray x = NDArray.zeros(Shape.of(1, 1, 3, 3), DType.INT32, dev.kiln.ndarray.Device.cpu());
        NDArray w = NDArray.zeros(Shape.of(1, 1, 1, 1), DType.INT32, dev.kiln.ndarray.Device.cpu());
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(1, 1)", "num_filter", 1, "no_bias",
                true), x, w)).hasMessageContaining("input 'data' has dtype int32");
    }

    @Test
    void mixedDtypesAreRejected() {
        NDArray x = NDArray.zeros(1, 1, 3, 3);
        NDArray w = NDArray.zeros(Shape.of(1, 1, 1, 1), DType.FLOAT64, dev.kiln.ndarray.Device.cpu());
        assertThatThrownBy(() -> Ops.call("Convolution", Ops.attrs("kernel", "(1, 1)", "num_filter", 1, "no_bias",
                true), x, w)).hasMessageContaining("'weight' has dtype float64");
    }
}
