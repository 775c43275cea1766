package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The float32 convolution covers several images of a small grid with one wide product, and splits its im2col (and
 * the deconvolution's col2im) over the threads: results must be bitwise those of one image at a time, and of a call
 * made from inside a Kiln worker (which runs on one thread).
 */
class ConvBatchingTest {

    private static float[] noise(int n, long seed) {
        float[] v = new float[n];
        long state = seed;
        for (int i = 0; i < v.length; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            v[i] = (float) ((state >>> 40) / (double) (1 << 24) - 0.5);
        }
        return v;
    }

    private static float[] inWorker(String op, Map<String, Object> attrs, NDArray... in) {
        float[][] result = new float[2][];
        Parallel.forRange(2, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                result[i] = Ops.call(op, attrs, in).toFloatArray();
            }
        });
        return result[1];
    }

    /** The op on each image of {@code x} alone (batch 1), concatenated. */
    private static float[] perImage(String op, Map<String, Object> attrs, int[] xd, float[] x, NDArray... rest) {
        int per = x.length / xd[0];
        float[] out = null;
        int outPer = 0;
        for (int n = 0; n < xd[0]; n++) {
            int[] one = xd.clone();
            one[0] = 1;
            NDArray[] in = new NDArray[rest.length + 1];
            in[0] = NDArray.of(Shape.of(one), Arrays.copyOfRange(x, n * per, (n + 1) * per));
            System.arraycopy(rest, 0, in, 1, rest.length);
            float[] y = Ops.call(op, attrs, in).toFloatArray();
            if (out == null) {
                outPer = y.length;
                out = new float[outPer * xd[0]];
            }
            System.arraycopy(y, 0, out, n * outPer, outPer);
        }
        return out;
    }

    private static void checkConvolution(int[] xd, int filters, int groups, int[] kernel, int[] stride, int[] pad,
                                         String layout) {
        int[] wd = new int[kernel.length + 2];
        wd[0] = filters;
        wd[1] = xd[layout == null ? 1 : xd.length - 1] / groups;
        System.arraycopy(kernel, 0, wd, 2, kernel.length);
        float[] x = noise(DirectConv.prod(xd, 0), 1);
        NDArray w = NDArray.of(Shape.of(wd), noise(DirectConv.prod(wd, 0), 2));
        NDArray b = NDArray.of(Shape.of(filters), noise(filters, 3));
        Map<String, Object> attrs = new HashMap<>(Ops.attrs("kernel", kernel, "stride", stride, "pad", pad,
                "num_filter", filters, "num_group", groups));
        if (layout != null) {
            attrs.put("layout", layout);
        }
        if (layout != null) {
            wd = DirectConv.channelLastDims(wd);
            w = NDArray.of(Shape.of(wd), noise(DirectConv.prod(wd, 0), 2));
        }
        NDArray xa = NDArray.of(Shape.of(xd), x);
        float[] batched = Ops.call("Convolution", attrs, xa, w, b).toFloatArray();
        assertThat(batched).isEqualTo(perImage("Convolution", attrs, xd, x, w, b));
        assertThat(batched).isEqualTo(inWorker("Convolution", attrs, xa, w, b));
    }

    @Test
    void smallGridsBatchedIntoOneProductEqualOneImageAtATimeBitwise() {
        checkConvolution(new int[] {8, 16, 7, 7}, 24, 1, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, null);
        checkConvolution(new int[] {7, 12, 9, 9}, 8, 2, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, null);
        checkConvolution(new int[] {5, 6, 4, 5}, 6, 3, new int[] {2, 3}, new int[] {1, 1}, new int[] {0, 1}, null);
    }

    @Test
    void largeProductsWithParallelIm2colEqualOneImageAtATimeBitwise() {
        // 48 channels: deep enough for large products, too shallow for Winograd, whose tile threshold counts the batch
        checkConvolution(new int[] {3, 48, 16, 16}, 64, 1, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                null);
        checkConvolution(new int[] {2, 32, 40, 40}, 48, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                null);
        checkConvolution(new int[] {2, 8, 12, 13, 14}, 8, 1, new int[] {3, 3, 3}, new int[] {1, 1, 1},
                new int[] {1, 1, 1}, null);
        checkConvolution(new int[] {1, 16, 70, 50}, 16, 1, new int[] {3, 3}, new int[] {1, 2}, new int[] {0, 1},
                null);
    }

    @Test
    void batchedOneAndThreeDimensionalAndChannelLastConvolutionsEqualOneImageAtATime() {
        checkConvolution(new int[] {6, 8, 30}, 10, 1, new int[] {3}, new int[] {1}, new int[] {1}, null);
        checkConvolution(new int[] {4, 4, 5, 6, 7}, 6, 2, new int[] {3, 2, 3}, new int[] {1, 1, 2},
                new int[] {1, 0, 1}, null);
        checkConvolution(new int[] {8, 6, 6, 16}, 16, 1, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                "NHWC");
        checkConvolution(new int[] {6, 30, 8}, 10, 2, new int[] {3}, new int[] {1}, new int[] {1}, "NWC");
    }

    @Test
    void batchedAndLargeGridConvolutionsMatchTheDirectSum() {
        checkDirect(new int[] {8, 6, 5, 5}, new int[] {1, 1}, new int[] {1, 1});
        checkDirect(new int[] {2, 3, 40, 30}, new int[] {1, 1}, new int[] {1, 1});
        checkDirect(new int[] {1, 3, 61, 47}, new int[] {2, 1}, new int[] {0, 1});
    }

    private static void checkDirect(int[] xd, int[] stride, int[] pad) {
        int[] wd = {4, xd[1], 3, 3};
        double[] x = DirectConv.values(DirectConv.prod(xd, 0), 1);
        double[] w = DirectConv.values(DirectConv.prod(wd, 0), 2);
        double[] b = DirectConv.values(4, 3);
        int[] od = {xd[0], 4, (xd[2] + 2 * pad[0] - 3) / stride[0] + 1, (xd[3] + 2 * pad[1] - 3) / stride[1] + 1};
        int[] kernel = {3, 3};
        double[] expected = DirectConv.conv(x, xd, w, b, 4, 1, kernel, stride, new int[] {1, 1}, pad, od);
        NDArray y = Ops.call("Convolution", Ops.attrs("kernel", kernel, "stride", stride, "pad", pad,
                        "num_filter", 4),
                NDArray.of(Shape.of(xd), DType.FLOAT32, x), NDArray.of(Shape.of(wd), DType.FLOAT32, w),
                NDArray.of(Shape.of(4), DType.FLOAT32, b));
        assertThat(y).hasShape(od).isCloseTo(expected, 1e-4, 1e-4);
    }

    @Test
    void imagesPerProductAimsForAboutAThousandColumnsWithinTheBufferBudget() {
        assertThat(ConvKernels.imagesPerProduct(8, 64 * 9, 56 * 56)).isEqualTo(1);
        assertThat(ConvKernels.imagesPerProduct(8, 128 * 9, 28 * 28)).isEqualTo(2);
        assertThat(ConvKernels.imagesPerProduct(8, 256 * 9, 14 * 14)).isEqualTo(4);
        assertThat(ConvKernels.imagesPerProduct(8, 512 * 9, 7 * 7)).isEqualTo(8);
        assertThat(ConvKernels.imagesPerProduct(7, 256 * 9, 14 * 14)).isEqualTo(4);
        assertThat(ConvKernels.imagesPerProduct(1, 512 * 9, 7 * 7)).isEqualTo(1);
        assertThat(ConvKernels.imagesPerProduct(8, 1 << 22, 4)).isEqualTo(1);
    }

    @Test
    void deconvolutionWithParallelCol2imEqualsOneImageAtATimeBitwise() {
        int[] xd = {3, 32, 20, 20};
        int[] wd = {32, 48, 3, 3};
        float[] x = noise(DirectConv.prod(xd, 0), 4);
        NDArray w = NDArray.of(Shape.of(wd), noise(DirectConv.prod(wd, 0), 5));
        Map<String, Object> attrs = Ops.attrs("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)",
                "num_filter", 48, "no_bias", true);
        NDArray xa = NDArray.of(Shape.of(xd), x);
        float[] all = Ops.call("Deconvolution", attrs, xa, w).toFloatArray();
        assertThat(all).isEqualTo(perImage("Deconvolution", attrs, xd, x, w));
        assertThat(all).isEqualTo(inWorker("Deconvolution", attrs, xa, w));
    }

    private static void checkDeconvolution(int[] xd, int filters, int groups, String stride, String pad,
                                           boolean bias) {
        int[] wd = {xd[1], filters / groups, 3, 3};
        float[] x = noise(DirectConv.prod(xd, 0), 6);
        NDArray w = NDArray.of(Shape.of(wd), noise(DirectConv.prod(wd, 0), 7));
        Map<String, Object> attrs = Ops.attrs("kernel", "(3, 3)", "stride", stride, "pad", pad,
                "num_filter", filters, "num_group", groups, "no_bias", !bias);
        NDArray xa = NDArray.of(Shape.of(xd), x);
        NDArray[] rest = bias ? new NDArray[] {w, NDArray.of(Shape.of(filters), noise(filters, 8))}
                : new NDArray[] {w};
        NDArray[] all = new NDArray[rest.length + 1];
        all[0] = xa;
        System.arraycopy(rest, 0, all, 1, rest.length);
        float[] batched = Ops.call("Deconvolution", attrs, all).toFloatArray();
        assertThat(batched).isEqualTo(perImage("Deconvolution", attrs, xd, x, rest));
        assertThat(batched).isEqualTo(inWorker("Deconvolution", attrs, all));
    }

    @Test
    void smallGridDeconvolutionsBatchedIntoOneProductEqualOneImageAtATimeBitwise() {
        checkDeconvolution(new int[] {9, 16, 4, 4}, 12, 1, "(1, 1)", "(1, 1)", true);
        checkDeconvolution(new int[] {8, 64, 7, 7}, 32, 2, "(2, 2)", "(1, 1)", false);
        checkDeconvolution(new int[] {32, 40, 2, 3}, 24, 4, "(1, 1)", "(0, 0)", true);
    }
}
