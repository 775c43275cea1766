package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.bits;
import static dev.kiln.op.conv.FloatConvCases.random;
import static dev.kiln.op.conv.FloatConvCases.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link VectorSmallIm2Col} writes exactly the column matrix of the copy-based {@link Im2Col#im2col} for the small
 * planes it takes (4x4 and 8x8 with 3x3, 5x5, 7x7, 1x3 and dilated kernels; a range of channels; matrices side by side),
 * including infinities and NaN next to the padding, and declines large, strided or unpadded windows.
 */
class VectorSmallIm2ColTest {

    private static void check(Window w, int channels, int cFrom, int cTo, Random r) {
        assertThat(VectorSmallIm2Col.applies(w)).as("%s", w).isTrue();
        VectorSmallIm2Col.Plan plan = VectorSmallIm2Col.Plan.of(w);
        int grid = w.gridSize();
        int rows = channels * w.kernelSize();
        float[] x = random(r, 3 + channels * w.imageSize());
        x[3] = Float.POSITIVE_INFINITY;
        x[4] = Float.NaN;
        // two images' matrices side by side, this one second: row stride twice the grid, offset by one grid
        float[] expected = new float[rows * 2 * grid];
        Arrays.fill(expected, -7f);
        float[] actual = expected.clone();
        Im2Col.im2colRuns(x, 3, cFrom, cTo, w, expected, grid, 2 * grid);
        VectorSmallIm2Col.im2col(x, 3, cFrom, cTo, plan, actual, grid, 2 * grid);
        assertThat(bits(actual)).as("%s channels [%d, %d)", w, cFrom, cTo).containsExactly(bits(expected));
    }

    @Test
    void smallPlanesGiveExactlyTheCopiedColumnMatrix() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        assumeThat(VectorSupport.floatLanes()).as("plane sizes below are whole vectors of 16 lanes").isEqualTo(16);
        Random r = new Random(41);
        // ResNet-18's 4x4 and 8x8 layers
        check(window(4, 4, 3, 3, 1, 1, 1), 5, 0, 5, r);
        check(window(8, 8, 3, 3, 1, 1, 1), 4, 1, 3, r);
        // a 5x5 and a 7x7 kernel (shifts of up to three rows), a 1x3 kernel, dilation 2, a 2x8 plane
        check(window(8, 8, 5, 5, 1, 2, 2), 2, 0, 2, r);
        check(window(8, 8, 7, 7, 1, 3, 3), 2, 0, 2, r);
        check(window(4, 4, 1, 3, 1, 0, 1), 3, 0, 3, r);
        check(window(8, 8, 3, 3, 2, 2, 2), 2, 0, 2, r);
        check(window(2, 8, 3, 3, 1, 1, 1), 3, 0, 3, r);
    }

    @Test
    void largeStridedOrUnpaddedWindowsAreDeclined() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        assumeThat(VectorSupport.floatLanes()).as("plane sizes below are whole vectors of 16 lanes").isEqualTo(16);
        assertThat(VectorSmallIm2Col.applies(window(16, 16, 3, 3, 1, 1, 1))).as("16 vectors").isFalse();
        assertThat(VectorSmallIm2Col.applies(window(3, 5, 3, 3, 1, 1, 1))).as("not whole vectors").isFalse();
        assertThat(VectorSmallIm2Col.applies(window(8, 8, 3, 3, 1, 0, 0))).as("grid smaller than image").isFalse();
        Window strided = Window.of(new int[] {8, 8}, new int[] {4, 4}, new int[] {3, 3}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1});
        assertThat(VectorSmallIm2Col.applies(strided)).as("strided").isFalse();
    }
}
