package dev.kiln.op.conv;

import dev.kiln.op.OutputEpilogue;
import org.assertj.core.data.Offset;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared pieces of the float32 convolution kernel tests: 2-D unit-stride windows, random operands, bit patterns for
 * bitwise comparisons, the check against the textbook convolution in double precision ({@link DirectConv}), and the
 * check that a kernel runs a fused epilogue once per element, after the bias.
 */
final class FloatConvCases {
    private FloatConvCases() {
    }

    /** A 2-D unit-stride window over a {@code height x width} image with the given kernel, dilation and padding. */
    static Window window(int height, int width, int kh, int kw, int dilate, int ph, int pw) {
        int spanH = (kh - 1) * dilate + 1;
        int spanW = (kw - 1) * dilate + 1;
        return Window.of(new int[] {height, width},
                new int[] {height + 2 * ph - spanH + 1, width + 2 * pw - spanW + 1}, new int[] {kh, kw},
                new int[] {1, 1}, new int[] {dilate, dilate}, new int[] {ph, pw});
    }

    /** {@link #window} with strides {@code sh, sw}: the grid is every window position that fits the padded image. */
    static Window strided(int height, int width, int kh, int kw, int sh, int sw, int dilate, int ph, int pw) {
        int spanH = (kh - 1) * dilate + 1;
        int spanW = (kw - 1) * dilate + 1;
        return Window.of(new int[] {height, width},
                new int[] {(height + 2 * ph - spanH) / sh + 1, (width + 2 * pw - spanW) / sw + 1},
                new int[] {kh, kw}, new int[] {sh, sw}, new int[] {dilate, dilate}, new int[] {ph, pw});
    }

    /** {@code n} standard normal floats. */
    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** The raw bits of each element, so that assertions compare results bitwise (NaN and signed zeros included). */
    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }

    /** Asserts that {@code y} is the textbook convolution of {@code x} (one group, 2-D {@code w}) within 1e-4. */
    static void assertTextbook(float[] y, Window w, float[] x, float[] weight, float[] bias, int batch, int channels,
                               int filters) {
        double[] bd = null;
        if (bias != null) {
            bd = widen(bias);
        }
        double[] expected = DirectConv.conv(widen(x), new int[] {batch, channels, w.image()[1], w.image()[2]},
                widen(weight), bd, filters, 1, new int[] {w.kernel()[1], w.kernel()[2]},
                new int[] {w.stride()[1], w.stride()[2]},
                new int[] {w.dilate()[1], w.dilate()[2]}, new int[] {w.pad()[1], w.pad()[2]},
                new int[] {batch, filters, w.grid()[1], w.grid()[2]});
        assertThat(y).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) y[i]).as("element %d", i).isCloseTo(expected[i],
                    Offset.offset(1e-4 * (1 + Math.abs(expected[i]))));
        }
    }

    /** The elements as doubles. */
    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** One kernel's float32 convolution of one group, running {@code epilogue} (unless null) on its result. */
    interface ConvCall {
        float[] run(float[] x, float[] weight, float[] bias, int batch, int channels, int filters, Window w,
                    OutputEpilogue epilogue);
    }

    /**
     * Asserts that {@code call} with a ReLU epilogue runs it once on every element and gives bitwise its own result
     * without the epilogue, rectified: so the epilogue saw each element after the bias.
     */
    static void assertEpilogueOnceAfterBias(ConvCall call, Window w, int batch, int channels, int filters,
                                            Random r) {
        float[] x = random(r, batch * channels * w.imageSize());
        float[] weight = random(r, filters * channels * w.kernelSize());
        float[] bias = random(r, filters);
        int[] seen = new int[batch * filters * w.gridSize()];
        OutputEpilogue relu = (out, from, to) -> {
            float[] y = (float[]) out;
            for (int i = from; i < to; i++) {
                synchronized (seen) {
                    seen[i]++;
                }
                y[i] = Math.max(y[i], 0f);
            }
        };
        float[] fused = call.run(x, weight, bias, batch, channels, filters, w, relu);
        float[] plain = call.run(x, weight, bias, batch, channels, filters, w, null);
        for (int i = 0; i < plain.length; i++) {
            plain[i] = Math.max(plain[i], 0f);
        }
        assertThat(seen).containsOnly(1);
        assertThat(bits(fused)).containsExactly(bits(plain));
    }

    /**
     * Asserts that {@link ConvKernels#convolution} (one group) writes every element of its output with bitwise the
     * im2col path's result ({@link ConvKernels#convolutionByProducts}), and that both are the textbook convolution.
     */
    static void assertMatchesProducts(Window w, int batch, int channels, int filters, boolean withBias, Random r) {
        int kk = channels * w.kernelSize();
        float[] x = random(r, batch * channels * w.imageSize());
        float[] weight = random(r, filters * kk);
        float[] bias = withBias ? random(r, filters) : null;
        float[] y = new float[batch * filters * w.gridSize()];
        java.util.Arrays.fill(y, Float.NaN); // every element must be written
        ConvKernels.convolution(x, weight, bias, batch, channels, filters, 1, w, null, y);
        float[] products = ConvKernels.convolutionByProducts(x, weight, bias, batch, channels, filters, 1, w, null,
                null);
        assertThat(bits(y)).as("%s batch %d channels %d filters %d", w, batch, channels, filters)
                .containsExactly(bits(products));
        assertTextbook(y, w, x, weight, bias, batch, channels, filters);
    }

    /**
     * Rows {@code [p0, p0 + kc)} and columns {@code [j0, j0 + nc)} of a column matrix ({@code wide} columns per row)
     * laid out as {@code Gemm} packs B: panels of {@code nr} columns, columns past {@code nc} zero, after {@code 3}
     * leading floats left zero (a destination offset the packers must respect).
     */
    static float[] expectedPanels(float[] col, int wide, int p0, int kc, int j0, int nc, int nr) {
        int panels = (nc + nr - 1) / nr;
        float[] expected = new float[3 + panels * nr * kc];
        for (int q = 0; q < panels; q++) {
            for (int p = 0; p < kc; p++) {
                for (int e = 0; e < nr; e++) {
                    int j = q * nr + e;
                    expected[3 + q * nr * kc + p * nr + e] = j < nc ? col[(p0 + p) * wide + j0 + j] : 0f;
                }
            }
        }
        return expected;
    }
}
