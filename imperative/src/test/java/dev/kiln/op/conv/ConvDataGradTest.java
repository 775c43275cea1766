package dev.kiln.op.conv;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The float32 data gradient of a unit-stride convolution computed as a forward convolution with flipped weights
 * agrees with the general path, the transposed convolution (a product over the filters, then col2im).
 */
class ConvDataGradTest {

    private static float[] noise(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Spatial sizes per axis (1 to 3 axes), then compares both paths on random data. */
    private static void check(int batch, int channels, int filters, int groups, int[] image, int[] kernel,
                              int[] dilate, int[] pad) {
        int rank = image.length;
        int[] grid = new int[rank];
        int[] stride = new int[rank];
        for (int a = 0; a < rank; a++) {
            stride[a] = 1;
            grid[a] = image[a] + 2 * pad[a] - (kernel[a] - 1) * dilate[a];
        }
        Window win = Window.of(image, grid, kernel, stride, dilate, pad);
        assertThat(ConvGradKernels.dataGradIsConvolution(win)).isTrue();
        Random r = new Random(channels * 31L + filters);
        float[] dy = noise(r, batch * filters * win.gridSize());
        float[] w = noise(r, filters * channels / groups * win.kernelSize());
        float[] expected = ConvKernels.deconvolution(dy, w, null, batch, filters, channels, groups, win);
        float[] actual = ConvGradKernels.dataGrad(dy, w, batch, channels, filters, groups, win);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-4f));
        }
    }

    @Test
    void unitStrideDataGradientsMatchTheTransposedConvolution() {
        check(2, 5, 7, 1, new int[] {6, 5}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1});
        check(3, 8, 12, 4, new int[] {5, 7}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1});
        check(1, 4, 6, 2, new int[] {9, 8}, new int[] {3, 2}, new int[] {2, 3}, new int[] {2, 0});
        check(2, 3, 4, 1, new int[] {7, 6}, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 2});
        check(9, 16, 8, 1, new int[] {4, 4}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1});
        check(2, 3, 5, 1, new int[] {11}, new int[] {5}, new int[] {1}, new int[] {2});
        check(2, 2, 4, 2, new int[] {4, 5, 3}, new int[] {3, 3, 1}, new int[] {1, 1, 1}, new int[] {1, 0, 0});
        check(2, 6, 3, 3, new int[] {5, 5}, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0});
        // weights large enough that the flip is split over the threads, with and without groups
        check(2, 96, 96, 1, new int[] {4, 4}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1});
        check(1, 128, 128, 2, new int[] {3, 3}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1});
    }

    @Test
    void stridedOrOverPaddedWindowsKeepTheTransposedConvolution() {
        assertThat(ConvGradKernels.dataGradIsConvolution(Window.of(new int[] {8, 8}, new int[] {4, 4},
                new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}))).isFalse();
        assertThat(ConvGradKernels.dataGradIsConvolution(Window.of(new int[] {4, 4}, new int[] {8, 8},
                new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {2, 2}))).isFalse();
    }
    @Test
    void dataGradientsOfFewColumnsRunAsTheTransposedConvolutionAndAgreeWithTheFlippedOne() {
        int[] image = {4, 4};
        Window win = Window.of(image, image, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1});
        ConvolutionOp op = new ConvolutionOp();
        for (int batch : new int[] {1, 2}) {
            Random r = new Random(batch);
            int channels = 24;
            int filters = 40;
            float[] dy = noise(r, batch * filters * win.gridSize());
            float[] w = noise(r, filters * channels * win.kernelSize());
            float[] actual = (float[]) op.runDataGrad(dy, w, batch, channels, filters, 1, win, null);
            float[] transposed = ConvKernels.deconvolution(dy, w, null, batch, filters, channels, 1, win);
            float[] flipped = ConvGradKernels.dataGrad(dy, w, batch, channels, filters, 1, win);
            // 16 columns (batch 1) run as the transposed convolution, 32 (batch 2) as the flipped forward one
            assertThat(actual).isEqualTo(batch * win.gridSize() < ConvolutionOp.FLIPPED_MIN_COLUMNS
                    ? transposed : flipped);
            for (int i = 0; i < actual.length; i++) {
                assertThat(actual[i]).as("element %d", i).isCloseTo(flipped[i], within(1e-4f));
            }
        }
    }
}
