package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.bits;
import static dev.kiln.op.conv.FloatConvCases.random;
import static dev.kiln.op.conv.FloatConvCases.window;
import static dev.kiln.op.conv.FloatConvCases.widen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link VectorPlaneWeightGrad} agrees with the weight gradient in double precision for the layers it takes (one or
 * two vectors of filters, depths that leave a partial block of six rows, batches cut into uneven runs, runs summed
 * in groups of images, rectangular
 * kernels, dilation, no padding), gives the same bits from a worker thread as from the caller, and keeps a
 * non-finite input that no grid position reads out of the sums.
 */
class VectorPlaneWeightGradTest {

    private static float[] check(Window w, int batch, int channels, int filters, Random r) {
        int kk = channels * w.kernelSize();
        assertThat(VectorPlaneWeightGrad.applies(w, 1, filters, kk)).as("%s", w).isTrue();
        float[] x = random(r, batch * channels * w.imageSize());
        float[] dy = random(r, batch * filters * w.gridSize());
        float[] dw = ConvGradKernels.weightGrad(dy, x, batch, filters, channels, 1, w, random(r, filters * kk));
        assertMatchesDouble(dw, dy, x, batch, channels, filters, w);
        float[][] inWorker = new float[2][];
        Parallel.forRange(2, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                inWorker[i] = ConvGradKernels.weightGrad(dy, x, batch, filters, channels, 1, w, null);
            }
        });
        assertThat(bits(inWorker[1])).isEqualTo(bits(dw));
        return dw;
    }

    /**
     * Each element within float rounding of the double-precision sum: 1e-4 relative, or, for the long sums of large
     * batches, a few float epsilons of the sum of the terms' magnitudes.
     */
    private static void assertMatchesDouble(float[] dw, float[] dy, float[] x, int batch, int channels, int filters,
                                            Window w) {
        double[] expected = ConvGradKernels.weightGrad(widen(dy), widen(x), batch, filters, channels, 1, w);
        double[] magnitude = ConvGradKernels.weightGrad(abs(widen(dy)), abs(widen(x)), batch, filters, channels, 1,
                w);
        assertThat(dw).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (Double.isFinite(expected[i])) {
                double tolerance = Math.max(1e-4 * (1 + Math.abs(expected[i])), 4e-7 * magnitude[i]);
                assertThat((double) dw[i]).as("dw[%d]", i).isCloseTo(expected[i], within(tolerance));
            } else {
                assertThat((double) dw[i]).as("dw[%d]", i).isEqualTo(expected[i]);
            }
        }
    }

    private static double[] abs(double[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(a[i]);
        }
        return a;
    }

    @Test
    void weightGradientsMatchTheDoublePrecisionSum() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        Random r = new Random(31);
        int lanes = VectorSupport.floatLanes();
        // the small CNN's second layer: two vectors of filters, 144 rows, nine images in eight uneven runs
        check(window(14, 14, 3, 3, 1, 1, 1), 9, 16, 2 * lanes, r);
        // one vector of filters (some padding columns), 45 rows (a partial block of six), one image
        check(window(9, 11, 3, 3, 1, 1, 1), 1, 5, lanes - 3, r);
        // two vectors with a padding column and one exact vector; a 3x5 kernel with rectangular padding, dilation
        check(window(10, 12, 3, 5, 1, 1, 2), 3, 4, 2 * lanes - 1, r);
        check(window(12, 13, 3, 3, 2, 2, 2), 2, 6, lanes, r);
        check(window(8, 8, 3, 3, 1, 0, 0), 4, 7, 10, r);
        // padding wider than the kernel reaches
        check(window(7, 9, 3, 3, 1, 3, 3), 2, 5, 12, r);
        // 48x48 images: two per group, so the runs of two or three images are summed group by group
        check(window(48, 48, 3, 3, 1, 1, 1), 17, 16, 2 * lanes, r);
    }

    @Test
    void anInfinityOnlyTheDroppedPositionsWouldReadStaysOutOfTheSums() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        Random r = new Random(32);
        Window w = window(6, 6, 3, 3, 1, 1, 1);
        int channels = 4;
        int filters = 8;
        float[] x = random(r, 2 * channels * w.imageSize());
        float[] dy = random(r, 2 * filters * w.gridSize());
        // image 1, channel 2, row 3, column 0: read by taps in kernel columns 0 and 1 only; column 2 would read it
        // from grid column -1, which in the padded planes is the last dropped position of the row above
        x[(channels + 2) * w.imageSize() + 3 * 6] = Float.POSITIVE_INFINITY;
        float[] dw = ConvGradKernels.weightGrad(dy, x, 2, filters, channels, 1, w, null);
        assertMatchesDouble(dw, dy, x, 2, channels, filters, w);
        for (int f = 0; f < filters; f++) {
            for (int kh = 0; kh < 3; kh++) {
                assertThat(dw[(f * channels + 2) * 9 + kh * 3 + 2]).as("filter %d tap (%d, 2)", f, kh).isFinite();
            }
        }
    }

    @Test
    void groupedStridedShallowOrWideLayersTakeOtherPaths() {
        Window cnn = window(14, 14, 3, 3, 1, 1, 1);
        assertThat(VectorPlaneWeightGrad.applies(cnn, 1, 32, 144)).isTrue();
        assertThat(VectorPlaneWeightGrad.applies(cnn, 2, 32, 72)).as("grouped").isFalse();
        assertThat(VectorPlaneWeightGrad.applies(cnn, 1, VectorPlaneWeightGrad.MAX_FILTERS + 1, 144)).as("wide").isFalse();
        assertThat(VectorPlaneWeightGrad.applies(cnn, 1, 16, ConvGradKernels.ROW_DOTS_MAX_DEPTH)).as("shallow")
                .isFalse();
        Window strided = Window.of(new int[] {28, 28}, new int[] {14, 14}, new int[] {3, 3}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1});
        assertThat(VectorPlaneWeightGrad.applies(strided, 1, 32, 144)).as("strided").isFalse();
        // one 640x640 image's padded planes and gradient exceed the budget; 128x128 does not
        assertThat(VectorPlaneWeightGrad.applies(window(640, 640, 3, 3, 1, 1, 1), 1, 32, 144)).as("large image")
                .isFalse();
        assertThat(VectorPlaneWeightGrad.applies(window(128, 128, 3, 3, 1, 1, 1), 1, 32, 144)).isTrue();
    }
}
