package dev.kiln.op.conv;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.widen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The convolution kernels given an output array (an executor's planned buffer, holding whatever an earlier value
 * left there) write the same result into it as into a new array: none of them reads or adds up what was there.
 */
class ConvOutputArrayTest {
    private static final Random R = new Random(5);

    private static float[] noise(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = R.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** An array of {@code like}'s length full of a value no kernel would compute. */
    private static float[] stale(float[] like) {
        float[] s = new float[like.length];
        Arrays.fill(s, Float.NaN);
        return s;
    }

    private static double[] stale(double[] like) {
        double[] s = new double[like.length];
        Arrays.fill(s, 1e300);
        return s;
    }

    private static void assertWrittenInto(float[] out, float[] returned, float[] fresh) {
        assertThat(returned).isSameAs(out);
        assertThat(out).containsExactly(fresh);
    }

    private static void assertWrittenInto(double[] out, double[] returned, double[] fresh) {
        assertThat(returned).isSameAs(out);
        assertThat(out).containsExactly(fresh);
    }

    @Test
    void convolutionAndItsGradientsOverwriteEveryElementOfAStaleOutputArray() {
        int batch = 3;
        int channels = 4;
        int filters = 6;
        int groups = 2;
        Window same = Window.of(new int[] {5, 6}, new int[] {5, 6}, new int[] {3, 3}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1});
        Window strided = Window.of(new int[] {7, 6}, new int[] {3, 3}, new int[] {3, 2}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {0, 0});
        for (Window win : new Window[] {same, strided}) {
            float[] x = noise(batch * channels * win.imageSize());
            float[] w = noise(filters * channels / groups * win.kernelSize());
            float[] b = noise(filters);
            float[] dy = noise(batch * filters * win.gridSize());

            float[] y = ConvKernels.convolution(x, w, b, batch, channels, filters, groups, win);
            float[] out = stale(y);
            assertWrittenInto(out, ConvKernels.convolution(x, w, b, batch, channels, filters, groups, win, null, out),
                    y);

            float[] dw = ConvGradKernels.weightGrad(dy, x, batch, filters, channels, groups, win);
            out = stale(dw);
            assertWrittenInto(out, ConvGradKernels.weightGrad(dy, x, batch, filters, channels, groups, win, out), dw);

            float[] dx = ConvKernels.deconvolution(dy, w, null, batch, filters, channels, groups, win);
            out = stale(dx);
            assertWrittenInto(out, ConvKernels.deconvolution(dy, w, null, batch, filters, channels, groups, win, out),
                    dx);

            float[] db = ConvGradKernels.biasGrad(dy, batch, filters, win.gridSize(), null);
            out = stale(db);
            assertWrittenInto(out, ConvGradKernels.biasGrad(dy, batch, filters, win.gridSize(), out), db);

            if (ConvGradKernels.dataGradIsConvolution(win)) {
                float[] viaConv = ConvGradKernels.dataGrad(dy, w, batch, channels, filters, groups, win);
                out = stale(viaConv);
                assertWrittenInto(out, ConvGradKernels.dataGrad(dy, w, batch, channels, filters, groups, win, out),
                        viaConv);
            }

            double[] xd = widen(x);
            double[] wd = widen(w);
            double[] dyd = widen(dy);
            double[] yd = ConvKernels.convolution(xd, wd, widen(b), batch, channels, filters, groups, win);
            double[] outd = stale(yd);
            assertWrittenInto(outd, ConvKernels.convolution(xd, wd, widen(b), batch, channels, filters, groups, win,
                    null, outd), yd);
            double[] dwd = ConvGradKernels.weightGrad(dyd, xd, batch, filters, channels, groups, win);
            outd = stale(dwd);
            assertWrittenInto(outd, ConvGradKernels.weightGrad(dyd, xd, batch, filters, channels, groups, win, outd),
                    dwd);
            double[] dxd = ConvKernels.deconvolution(dyd, wd, null, batch, filters, channels, groups, win);
            outd = stale(dxd);
            assertWrittenInto(outd, ConvKernels.deconvolution(dyd, wd, null, batch, filters, channels, groups, win,
                    outd), dxd);
        }
    }

    @Test
    void anEmptyContractionStillClearsTheOutputArrayToTheBias() {
        // no input channels: every output element is its filter's bias
        Window win = Window.of(new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {0, 0});
        float[] bias = {0.5f, -1f};
        float[] out = new float[2 * 2 * 4];
        Arrays.fill(out, Float.NaN);
        ConvKernels.convolution(new float[0], new float[0], bias, 2, 0, 2, 1, win, null, out);
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).as("element %d", i).isEqualTo(bias[(i / 4) % 2]);
        }
    }

    @Test
    void aBiasGradientSplitOverFiltersIsEachFiltersSumOverBatchAndPositions() {
        // 12 filters of 3 x 4096 elements: two chunks of five or more filters, so two threads share them
        int batch = 3;
        int filters = 12;
        int plane = 64 * 64;
        float[] dy = noise(batch * filters * plane);
        double[] dyd = widen(dy);
        float[] db = ConvGradKernels.biasGrad(dy, batch, filters, plane, null);
        double[] dbd = ConvGradKernels.biasGrad(dyd, batch, filters, plane, null);
        for (int f = 0; f < filters; f++) {
            double expected = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < plane; i++) {
                    expected += dy[(n * filters + f) * plane + i];
                }
            }
            assertThat((double) db[f]).as("filter %d", f).isCloseTo(expected, within((double) Math.ulp((float) expected)));
            assertThat(dbd[f]).as("filter %d, double", f).isEqualTo(expected);
        }
        float[] out = stale(db);
        assertWrittenInto(out, ConvGradKernels.biasGrad(dy, batch, filters, plane, out), db);
    }
}
