package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.window;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PaddedPanels} writes exactly the panels that packing the im2col matrix of the same images would give (blocks
 * starting mid-image, crossing images, partial panels, vector and scalar widths), and a convolution taking it gives
 * bitwise what im2col of each image followed by the stored-matrix product gives.
 */
class PaddedPanelsTest {

    private static float[] random(int n, Random r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        return a;
    }

    private static void check(Window w, int images, int channels, int p0, int kc, int j0, int nc, int nr, Random r) {
        int plane = w.imageSize();
        float[] x = random(images * channels * plane, r);
        float[] col = new float[channels * w.kernelSize() * images * w.gridSize()];
        int wide = images * w.gridSize();
        for (int i = 0; i < images; i++) {
            Im2Col.im2colRuns(x, i * channels * plane, 0, channels, w, col, i * w.gridSize(), wide);
        }
        PaddedPanels.Geometry geo = PaddedPanels.geometry(w);
        // the padded images start after a few stale floats, which must never be read
        float[] xp = new float[7 + images * channels * geo.plane()];
        Arrays.fill(xp, Float.NaN);
        float[] padded = new float[images * channels * geo.plane()];
        Arrays.fill(padded, Float.NaN);
        PaddedPanels.pad(x, 0, images, channels, geo, padded, true);
        System.arraycopy(padded, 0, xp, 7, padded.length);
        var source = new PaddedPanels(xp, 7, channels * geo.plane(), PaddedPanels.rowOffsets(w, geo, channels), geo);
        float[] expected = FloatConvCases.expectedPanels(col, wide, p0, kc, j0, nc, nr);
        float[] actual = new float[expected.length];
        Arrays.fill(actual, 9f);
        Arrays.fill(actual, 0, 3, 0f);
        source.pack(p0, kc, j0, nc, nr, actual, 3);
        assertThat(actual).as("%s rows %d+%d columns %d+%d panels of %d", w, p0, kc, j0, nc, nr)
                .containsExactly(expected);
    }

    @Test
    void panelsEqualThePackedIm2colMatrixAcrossImagesAndPartialPanels() {
        Random r = new Random(3);
        Window[] windows = {
            window(16, 16, 3, 3, 1, 1, 1),
            window(4, 32, 3, 3, 1, 1, 1),
            window(9, 20, 3, 5, 2, 2, 4),
            window(8, 18, 3, 3, 1, 0, 0),
            window(5, 7, 3, 3, 1, 1, 1),
        };
        for (Window w : windows) {
            int images = 3;
            int rows = 2 * w.kernelSize();
            int all = images * w.gridSize();
            for (int nr : new int[] {64, 32, 16, 5, 1}) {
                check(w, images, 2, 0, rows, 0, all, nr, r);
                check(w, images, 2, 4, rows - 7, 16, all - 32, nr, r);
                check(w, images, 2, 9, 1, w.gridSize() - 16, 40, nr, r);
                check(w, images, 2, 1, 3, 3, 21, nr, r);
            }
        }
    }

    @Test
    void appliesToUnitStrideWindowsWhoseGridRowsAreWholeVectors() {
        int lanes = VectorSupport.isAvailable() ? VectorSupport.floatLanes() : 0;
        assertThat(PaddedPanels.applies(window(32, 32, 3, 3, 1, 1, 1))).isEqualTo(lanes > 0 && 32 % lanes == 0);
        assertThat(PaddedPanels.applies(window(7, 7, 3, 3, 1, 1, 1))).isFalse();
        Window strided = Window.of(new int[] {32, 32}, new int[] {16, 16}, new int[] {3, 3}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1});
        assertThat(PaddedPanels.applies(strided)).isFalse();
    }

    /**
     * Convolutions whose grid rows are whole vectors (one image per product split over the threads, several images
     * per product side by side, grouped, dilated, rectangular kernels) equal im2col then the product, bitwise.
     */
    @Test
    void convolutionThroughPaddedPanelsEqualsIm2colThenProductBitwise() {
        Random r = new Random(17);
        record Case(int batch, int channels, int filters, int groups, Window w) { }
        Case[] cases = {
            new Case(1, 32, 32, 1, window(32, 32, 3, 3, 1, 1, 1)),
            new Case(5, 16, 12, 2, window(16, 16, 3, 3, 1, 1, 1)),
            new Case(3, 8, 20, 1, window(8, 32, 3, 5, 2, 2, 4)),
            new Case(2, 6, 7, 1, window(18, 34, 3, 3, 1, 0, 0)),
        };
        for (Case c : cases) {
            Window w = c.w();
            int grid = w.gridSize();
            int kk = c.channels() / c.groups() * w.kernelSize();
            int fg = c.filters() / c.groups();
            float[] x = random(c.batch() * c.channels() * w.imageSize(), r);
            float[] wt = random(c.filters() * kk, r);
            float[] bias = random(c.filters(), r);
            float[] expected = new float[c.batch() * c.filters() * grid];
            float[] col = new float[c.channels() * w.kernelSize() * grid];
            for (int n = 0; n < c.batch(); n++) {
                Im2Col.im2colRuns(x, n * c.channels() * w.imageSize(), 0, c.channels(), w, col, 0, grid);
                for (int g = 0; g < c.groups(); g++) {
                    Gemm.sgemm(false, false, fg, grid, kk, 1f, wt, g * fg * kk, kk, col, g * kk * grid, grid, 0f,
                            expected, (n * c.filters() + g * fg) * grid, grid);
                }
                for (int f = 0; f < c.filters(); f++) {
                    for (int i = 0; i < grid; i++) {
                        expected[(n * c.filters() + f) * grid + i] += bias[f];
                    }
                }
            }
            float[] actual = ConvKernels.convolution(x, wt, bias, c.batch(), c.channels(), c.filters(), c.groups(), w);
            assertThat(actual).as("%s", c).containsExactly(expected);
        }
    }

    /**
     * A padded plane holds the image inside its padding and zeros everywhere else, whatever the destination held
     * before: no padding, one- and two-element pads (zeroed element by element), pads wider than that (zeroed with a
     * fill), one-row and one-column images, at an offset inside a larger buffer whose neighbours stay untouched.
     */
    @Test
    void padPlaneWritesTheImageInsideZerosAndNothingElse() {
        Random r = new Random(23);
        int[][] shapes = {{5, 7, 0}, {5, 7, 1}, {28, 28, 1}, {3, 4, 2}, {1, 1, 1}, {1, 9, 3}, {6, 1, 6}, {4, 16, 12}};
        for (int[] s : shapes) {
            int h = s[0];
            int wd = s[1];
            int pad = s[2];
            PaddedPanels.Geometry geo = PaddedPanels.geometry(window(h, wd, 1 + 2 * (pad > 0 ? 1 : 0), 1, 1, pad, pad));
            float[] x = random(3 + h * wd, r);
            float[] xp = new float[geo.plane() + 10];
            Arrays.fill(xp, Float.NaN);
            PaddedPanels.padPlane(x, 3, geo, xp, 5);
            int wp = wd + 2 * pad;
            for (int i = 0; i < xp.length; i++) {
                int at = i - 5;
                if (at < 0 || at >= geo.plane()) {
                    assertThat(xp[i]).as("outside the plane, %s at %d", Arrays.toString(s), i).isNaN();
                    continue;
                }
                int y = at / wp - pad;
                int col = at % wp - pad;
                float expected = y >= 0 && y < h && col >= 0 && col < wd ? x[3 + y * wd + col] : 0f;
                assertThat(xp[i]).as("%s at row %d column %d", Arrays.toString(s), y, col).isEqualTo(expected);
            }
        }
    }
}
