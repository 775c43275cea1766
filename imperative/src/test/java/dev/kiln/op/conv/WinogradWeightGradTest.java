package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link WinogradWeightGrad} agrees with the textbook weight gradient (in double precision) to within rounding,
 * whatever the padding, odd or even grid, channel and filter counts off the vector width, and batch (one run or
 * several), and writes every element of its output.
 */
class WinogradWeightGradTest {

    private static void check(int batch, int channels, int filters, int h, int w, int pad, Random r) {
        int oh = h + 2 * pad - 2;
        int ow = w + 2 * pad - 2;
        Window win = Window.of(new int[] {h, w}, new int[] {oh, ow}, new int[] {3, 3}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {pad, pad});
        float[] x = random(r, batch * channels * h * w);
        float[] dy = random(r, batch * filters * oh * ow);
        float[] dw = new float[filters * channels * 9];
        Arrays.fill(dw, Float.NaN);
        WinogradWeightGrad.weightGrad(dy, x, batch, filters, channels, win, dw);
        double[] expected = ConvWeightGradTest.direct(dy, x, batch, channels, filters, 1, h, w, 3, 1, pad, oh, ow);
        // each element sums batch * grid products of unit-variance terms: rounding grows with that sum's scale
        double tolerance = 3e-5 * Math.sqrt((double) batch * oh * ow);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) dw[i]).as("batch %d, %d -> %d channels, %dx%d pad %d, element %d", batch, channels,
                    filters, h, w, pad, i).isCloseTo(expected[i], Offset.offset(tolerance));
        }
    }

    @Test
    void agreesWithTheTextbookWeightGradient() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        Random r = new Random(31);
        check(1, 16, 16, 32, 32, 1, r);
        check(5, 32, 24, 16, 16, 1, r);
        // odd grids (a last half tile), no padding, padding 2, channel and filter counts off the vector width
        check(2, 17, 16, 15, 13, 1, r);
        check(1, 20, 16, 18, 18, 0, r);
        check(3, 16, 17, 9, 11, 2, r);
        check(2, 16, 70, 6, 7, 1, r);
        // several runs summed in order, and many small images
        check(8, 64, 64, 8, 8, 1, r);
        check(40, 16, 16, 3, 3, 1, r);
    }

    @Test
    void onlyLayersWithEnoughTilesPerRunAndASumThatFitsTakeIt() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        assertThat(WinogradWeightGrad.applies(window(32, 32), 1, 64, 64, 1)).as("256 tiles").isTrue();
        assertThat(WinogradWeightGrad.applies(window(16, 16), 1, 128, 128, 2)).as("128 tiles").isFalse();
        assertThat(WinogradWeightGrad.applies(window(8, 8), 1, 256, 256, 16)).as("256 x 256").isTrue();
        assertThat(WinogradWeightGrad.applies(window(4, 4), 1, 512, 512, 64)).as("512 x 512").isFalse();
        assertThat(WinogradWeightGrad.applies(window(32, 32), 2, 64, 64, 4)).as("grouped").isFalse();
        assertThat(WinogradWeightGrad.applies(window(32, 32), 1, 32, 64, 4)).as("shallow").isFalse();
    }

    private static Window window(int h, int w) {
        return Window.of(new int[] {h, w}, new int[] {h, w}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1});
    }
}
