package dev.kiln.op.conv;

import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The float32 weight gradient of a convolution, on both of its paths: dot products of rows, cut into runs of images
 * added in order, for a shallow image side (channels per group times taps up to
 * {@link ConvGradKernels#ROW_DOTS_MAX_DEPTH}: a first layer), and transposed GEMMs over the column matrix for a deeper
 * one (also checked directly where the padded-plane kernel, {@link VectorPlaneWeightGrad}, takes the layer first).
 * Each is checked against the sum over batch, positions and taps written out in double, and against itself called
 * from inside a Kiln worker (one thread), bit for bit.
 */
class ConvWeightGradTest {

    private static float[] noise(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /**
     * dW[f][c][kh][kw] = sum over n, oh, ow of dy[n][f][oh][ow] * x[n][g * cg + c][oh * s - p + kh][ow * s - p + kw],
     * zero outside the image.
     */
    static double[] direct(float[] dy, float[] x, int batch, int channels, int filters, int groups, int h,
                           int w, int kernel, int stride, int pad, int oh, int ow) {
        int cg = channels / groups;
        int fg = filters / groups;
        double[] dw = new double[filters * cg * kernel * kernel];
        for (int f = 0; f < filters; f++) {
            int g = f / fg;
            for (int c = 0; c < cg; c++) {
                for (int kh = 0; kh < kernel; kh++) {
                    for (int kw = 0; kw < kernel; kw++) {
                        double s = 0;
                        for (int n = 0; n < batch; n++) {
                            for (int i = 0; i < oh; i++) {
                                for (int j = 0; j < ow; j++) {
                                    int ih = i * stride - pad + kh;
                                    int iw = j * stride - pad + kw;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                        s += (double) dy[((n * filters + f) * oh + i) * ow + j]
                                                * x[((n * channels + g * cg + c) * h + ih) * w + iw];
                                    }
                                }
                            }
                        }
                        dw[((f * cg + c) * kernel + kh) * kernel + kw] = s;
                    }
                }
            }
        }
        return dw;
    }

    private static void check(int batch, int channels, int filters, int groups, int hw, int kernel, int stride,
                              int pad) {
        int out = (hw + 2 * pad - kernel) / stride + 1;
        float[] x = noise(batch * channels * hw * hw, 1);
        float[] dy = noise(batch * filters * out * out, 2);
        Window win = Window.of(new int[] {hw, hw}, new int[] {out, out}, new int[] {kernel, kernel},
                new int[] {stride, stride}, new int[] {1, 1}, new int[] {pad, pad});
        float[] stale = noise(filters * channels / groups * kernel * kernel, 3);
        float[] dw = ConvGradKernels.weightGrad(dy, x, batch, filters, channels, groups, win, stale);
        double[] expected = direct(dy, x, batch, channels, filters, groups, hw, hw, kernel, stride, pad, out, out);
        assertClose(dw, expected);
        // the GEMM path itself, for layers the padded-plane kernel takes first
        int kk = channels / groups * kernel * kernel;
        if (kk > ConvGradKernels.ROW_DOTS_MAX_DEPTH) {
            float[] byProducts = new float[expected.length];
            assertClose(ConvGradKernels.weightGradByProducts(dy, x, batch, filters, channels, groups, win,
                    byProducts), expected);
        }
        float[][] inWorker = new float[2][];
        Parallel.forRange(2, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                inWorker[i] = ConvGradKernels.weightGrad(dy, x, batch, filters, channels, groups, win, null);
            }
        });
        assertThat(inWorker[1]).isEqualTo(dw);
    }

    private static void assertClose(float[] dw, double[] expected) {
        assertThat(dw).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) dw[i]).as("dw[%d]", i)
                    .isCloseTo(expected[i], within(1e-4 * (1 + Math.abs(expected[i]))));
        }
    }

    @Test
    void shallowImageSideMatchesTheDirectSum() {
        // a first layer: one channel, 3x3, more images than runs of images and a count they do not divide
        check(13, 1, 16, 1, 28, 3, 1, 1);
        // three channels (27 taps), filters not a multiple of the 4 x 3 blocks, stride 2
        check(5, 3, 7, 1, 9, 3, 2, 1);
        // groups, 2x2 kernel without padding, a single image
        check(1, 4, 6, 2, 6, 2, 1, 0);
    }

    @Test
    void deepImageSideMatchesTheDirectSum() {
        // 16 channels of 3x3 (144 taps): transposed GEMMs over several images per product
        check(9, 16, 12, 1, 7, 3, 1, 1);
        check(3, 8, 8, 2, 10, 3, 1, 1);
    }

    @Test
    void productsInTurnMatchTheDirectSum() {
        // few deep products, run one after another: dW^T summed over the batch and transposed once at the end
        check(2, 16, 64, 1, 32, 3, 1, 1);
        // the same with groups, filters and taps not multiples of the register blocks, one image
        check(1, 10, 22, 2, 47, 3, 1, 1);
        // more filters than the GEMM reads its A in place for: products added into dW itself
        check(1, 4, 272, 1, 32, 3, 1, 1);
        // a batch too shallow (images times positions) to pay for the transpose
        check(1, 64, 32, 1, 16, 3, 1, 1);
    }
}
