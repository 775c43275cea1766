package dev.kiln.op.conv;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.bits;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transposed convolution whose taps tile its output writes each element once ({@link Im2Col#placeTiles}),
 * bitwise what adding the columns onto a cleared output and then the bias gives.
 */
class PlaceTilesTest {
    /** A deconvolution window: output = grid * stride, kernel = stride, no padding (1, 2 or 3 spatial dims). */
    private static Window tiling(int[] grid, int[] stride) {
        int[] image = new int[grid.length];
        int[] ones = new int[grid.length];
        Arrays.fill(ones, 1);
        for (int i = 0; i < grid.length; i++) {
            image[i] = grid[i] * stride[i];
        }
        return Window.of(image, grid, stride, stride, ones, new int[grid.length]);
    }

    private static void check(Window w, int planes, int fFrom, int fTo, boolean withBias, Random r) {
        assertThat(Im2Col.tilesExactly(w)).as("%s tiles its output", w).isTrue();
        int extra = 3;
        int ld = w.gridSize() + extra;
        float[] col = new float[planes * w.kernelSize() * ld + 1];
        for (int i = 0; i < col.length; i++) {
            col[i] = i % 7 == 0 ? -0f : (float) r.nextGaussian();
        }
        float[] bias = withBias ? FloatConvCases.random(r, planes) : null;
        int yOff = 2;
        float[] expected = new float[yOff + planes * w.imageSize()];
        Arrays.fill(expected, 9f);
        float[] actual = expected.clone();
        Arrays.fill(expected, yOff + fFrom * w.imageSize(), yOff + fTo * w.imageSize(), 0f);
        Im2Col.col2im(col, 1, ld, fFrom, fTo, w, expected, yOff);
        for (int f = fFrom; f < fTo && bias != null; f++) {
            for (int i = 0; i < w.imageSize(); i++) {
                expected[yOff + f * w.imageSize() + i] += bias[f];
            }
        }
        Im2Col.placeTiles(col, 1, ld, fFrom, fTo, w, bias, actual, yOff);
        assertThat(bits(actual)).as("%s", w).containsExactly(bits(expected));
    }

    @Test
    void eachOutputIsItsColumnEntryPlusTheBiasBitwiseAsAddingOntoZerosGives() {
        Random r = new Random(12);
        check(tiling(new int[] {2, 2}, new int[] {2, 2}), 5, 0, 5, true, r);
        check(tiling(new int[] {3, 4}, new int[] {2, 2}), 4, 1, 3, false, r);
        check(tiling(new int[] {2, 3}, new int[] {3, 1}), 3, 0, 3, true, r);
        check(tiling(new int[] {5}, new int[] {4}), 2, 0, 2, true, r);
        check(tiling(new int[] {2, 2, 3}, new int[] {2, 2, 2}), 3, 0, 3, false, r);
        // grid rows a whole vector, half a vector, and both plus an element-by-element tail (16-lane vectors), the
        // last rows of the column matrix too close to its end for a vector load
        check(tiling(new int[] {3, 16}, new int[] {2, 2}), 3, 0, 3, true, r);
        check(tiling(new int[] {4, 8}, new int[] {2, 2}), 2, 0, 2, false, r);
        check(tiling(new int[] {2, 27}, new int[] {2, 2}), 4, 1, 4, true, r);
    }

    @Test
    void negativeZeroColumnsComeOutPositiveWithoutABias() {
        Window w = tiling(new int[] {2, 2}, new int[] {2, 2});
        float[] col = new float[w.kernelSize() * w.gridSize()];
        Arrays.fill(col, -0f);
        float[] y = new float[w.imageSize()];
        Im2Col.placeTiles(col, 0, w.gridSize(), 0, 1, w, null, y, 0);
        assertThat(bits(y)).containsOnly(Float.floatToRawIntBits(0f));
    }

    @Test
    void overlappingPaddedDilatedOrCroppedWindowsDoNotTile() {
        int[] one = {1, 1};
        assertThat(Im2Col.tilesExactly(Window.of(new int[] {5, 5}, new int[] {2, 2}, new int[] {3, 3},
                new int[] {2, 2}, one, new int[] {0, 0}))).as("overlapping taps").isFalse();
        assertThat(Im2Col.tilesExactly(Window.of(new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 2},
                new int[] {2, 2}, one, new int[] {1, 1}))).as("padding crops the output").isFalse();
        assertThat(Im2Col.tilesExactly(Window.of(new int[] {5, 5}, new int[] {2, 2}, new int[] {2, 2},
                new int[] {2, 2}, one, new int[] {0, 0}))).as("an extra output row (adj)").isFalse();
        assertThat(Im2Col.tilesExactly(Window.of(new int[] {6, 6}, new int[] {2, 2}, new int[] {2, 2},
                new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}))).as("dilated").isFalse();
    }
}
