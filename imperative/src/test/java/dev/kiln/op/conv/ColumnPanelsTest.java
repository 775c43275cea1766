package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ColumnPanels} writes exactly the panels that packing the im2col matrix of the same images would give, for
 * blocks that start mid-image, cross image boundaries, end in a partial panel, and panels of any width (whole vectors
 * take the vector path, other widths the scalar one).
 */
class ColumnPanelsTest {

    private static Window window(int height, int width, int k, int dilate, int pad) {
        return FloatConvCases.window(height, width, k, k, dilate, pad, pad);
    }

    /** The im2col matrix of {@code images} images side by side (row stride images * grid), by {@link Im2Col}. */
    private static float[] columns(float[] x, int xOff, int images, int channels, int stride, Window w) {
        int wide = images * w.gridSize();
        float[] col = new float[channels * w.kernelSize() * wide];
        for (int i = 0; i < images; i++) {
            Im2Col.im2colRuns(x, xOff + i * stride, 0, channels, w, col, i * w.gridSize(), wide);
        }
        return col;
    }

    private static void check(Window w, int images, int channels, int p0, int kc, int j0, int nc, int nr, Random r) {
        assertThat(Im2Col.isSamePlanar(w)).isTrue();
        int plane = w.imageSize();
        // a channel group starting at channel 1 of 1 + channels, with images of 1 + channels planes
        int stride = (1 + channels) * plane;
        float[] x = new float[images * stride + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        int xOff = 5 + plane;
        float[] col = columns(x, xOff, images, channels, stride, w);
        int wide = images * w.gridSize();
        float[] expected = FloatConvCases.expectedPanels(col, wide, p0, kc, j0, nc, nr);
        float[] actual = new float[expected.length];
        Arrays.fill(actual, 9f);
        actual[0] = expected[0] = 0f;
        actual[1] = expected[1] = 0f;
        actual[2] = expected[2] = 0f;
        new ColumnPanels(x, xOff, plane, stride, ColumnPanels.Taps.of(w)).pack(p0, kc, j0, nc, nr, actual, 3);
        assertThat(actual).as("%s rows %d+%d columns %d+%d panels of %d", w, p0, kc, j0, nc, nr)
                .containsExactly(expected);
    }

    @Test
    void panelsEqualThePackedIm2colMatrixAcrossImageBoundariesAndPartialPanels() {
        Random r = new Random(5);
        Window small = window(5, 7, 3, 1, 1);
        Window wide = window(6, 20, 3, 1, 1);
        Window dilated = window(9, 18, 3, 2, 2);
        // no padding along the height: fewer grid rows than image rows
        Window valid = Window.of(new int[] {8, 19}, new int[] {6, 19}, new int[] {3, 3}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {0, 1});
        for (Window w : new Window[] {small, wide, dilated, valid}) {
            int images = 4;
            int rows = 3 * w.kernelSize();
            int all = images * w.gridSize();
            for (int nr : new int[] {16, 32, 64, 5, 1}) {
                check(w, images, 3, 0, rows, 0, all, nr, r);
                check(w, images, 3, 4, rows - 7, 3, all - 10, nr, r);
                check(w, images, 3, 9, 1, w.gridSize() - 2, 17, nr, r);
            }
            // one panel as wide as the block is the plain row-major block
            check(w, images, 3, 2, 5, 1, all - 1, all - 1, r);
        }
    }

    /**
     * A convolution whose products take the column panels (small grid, deep channels, grouped, one image and several
     * per product) gives bitwise what im2col of each image followed by the stored-matrix product gives.
     */
    @Test
    void convolutionThroughColumnPanelsEqualsIm2colThenProductBitwise() {
        Random r = new Random(11);
        int channels = 16;
        int filters = 12;
        int groups = 2;
        Window w = window(8, 8, 3, 1, 1);
        int grid = w.gridSize();
        int kk = channels / groups * w.kernelSize();
        int fg = filters / groups;
        for (int batch : new int[] {1, 5}) {
            float[] x = new float[batch * channels * w.imageSize()];
            float[] wt = new float[filters * kk];
            float[] bias = new float[filters];
            for (float[] a : new float[][] {x, wt, bias}) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = r.nextFloat() - 0.5f;
                }
            }
            float[] expected = new float[batch * filters * grid];
            float[] col = new float[channels * w.kernelSize() * grid];
            for (int n = 0; n < batch; n++) {
                Im2Col.im2colRuns(x, n * channels * w.imageSize(), 0, channels, w, col, 0, grid);
                for (int g = 0; g < groups; g++) {
                    Gemm.sgemm(false, false, fg, grid, kk, 1f, wt, g * fg * kk, kk, col, g * kk * grid, grid, 0f,
                            expected, (n * filters + g * fg) * grid, grid);
                }
                for (int f = 0; f < filters; f++) {
                    for (int i = 0; i < grid; i++) {
                        expected[(n * filters + f) * grid + i] += bias[f];
                    }
                }
            }
            float[] actual = ConvKernels.convolution(x, wt, bias, batch, channels, filters, groups, w);
            assertThat(actual).as("batch %d", batch).containsExactly(expected);
        }
    }
}
