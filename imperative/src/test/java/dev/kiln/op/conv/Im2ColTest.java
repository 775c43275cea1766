package dev.kiln.op.conv;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contiguous-copy im2col of unit-stride "same"-width windows writes exactly what the run-by-run one writes, and the
 * run-by-run one of stride-2 windows (vector copies, masked where a run starts or ends in the padding) writes what the
 * definition gives.
 */
class Im2ColTest {

    /** A 2-D window (1-D when {@code height} is 0) from the image size, kernel, dilation and padding. */
    private static Window window(int height, int width, int kh, int kw, int dh, int dw, int ph, int pw) {
        int gh = height == 0 ? 1 : height + 2 * ph - ((kh - 1) * dh + 1) + 1;
        int gw = width + 2 * pw - ((kw - 1) * dw + 1) + 1;
        if (height == 0) {
            return Window.of(new int[] {width}, new int[] {gw}, new int[] {kw}, new int[] {1}, new int[] {dw},
                    new int[] {pw});
        }
        return Window.of(new int[] {height, width}, new int[] {gh, gw}, new int[] {kh, kw}, new int[] {1, 1},
                new int[] {dh, dw}, new int[] {ph, pw});
    }

    private static void check(Window w, int channels, int cFrom, int cTo, int extraColumns, Random r) {
        assertThat(Im2Col.isSamePlanar(w)).as("window takes the fast path").isTrue();
        float[] x = new float[channels * w.imageSize() + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        int ld = w.gridSize() + extraColumns;
        int colOff = extraColumns / 2;
        float[] expected = new float[channels * w.kernelSize() * ld + extraColumns];
        float[] actual = new float[expected.length];
        // stale values where nothing is written must stay, and every written element must be overwritten
        Arrays.fill(expected, 7f);
        Arrays.fill(actual, 7f);
        Im2Col.im2colRuns(x, 3, cFrom, cTo, w, expected, colOff, ld);
        Im2Col.im2colSamePlanar(x, 3, cFrom, cTo, w, actual, colOff, ld);
        assertThat(actual).as("%s", w).containsExactly(expected);
    }

    @Test
    void sameWidthWindowsCopyExactlyWhatTheRunByRunPathWrites() {
        Random r = new Random(3);
        check(window(6, 5, 3, 3, 1, 1, 1, 1), 3, 0, 3, 0, r);
        check(window(4, 4, 3, 3, 1, 1, 1, 1), 4, 1, 3, 9, r);
        check(window(7, 9, 5, 5, 1, 1, 2, 2), 2, 0, 2, 5, r);
        check(window(8, 6, 3, 3, 2, 2, 2, 2), 2, 0, 2, 0, r);
        check(window(5, 6, 3, 1, 1, 1, 0, 0), 2, 0, 2, 4, r);
        check(window(5, 6, 1, 3, 1, 1, 3, 1), 2, 0, 2, 0, r);
        check(window(2, 3, 5, 3, 1, 1, 2, 1), 1, 0, 1, 0, r);
        check(window(3, 1, 3, 1, 1, 1, 1, 0), 2, 0, 2, 2, r);
        check(window(0, 10, 1, 3, 1, 1, 0, 1), 3, 0, 3, 0, r);
    }

    @Test
    void otherWindowsTakeTheRunByRunPath() {
        assertThat(Im2Col.isSamePlanar(Window.of(new int[] {8, 8}, new int[] {4, 4}, new int[] {3, 3},
                new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}))).isFalse();
        assertThat(Im2Col.isSamePlanar(Window.of(new int[] {8, 8}, new int[] {6, 6}, new int[] {3, 3},
                new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}))).isFalse();
        assertThat(Im2Col.isSamePlanar(Window.of(new int[] {1, 4, 4}, new int[] {1, 4, 4}, new int[] {3, 3, 3},
                new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1}))).isFalse();
    }

    /**
     * 4x4 and 3x3 stride-2 windows with padding (UNet's down blocks, ResNet's stride-2 layers): most runs of a grid row
     * start or end in the padding, so their vector copies are masked; the last channel ends the array, where a
     * vector load would run past it and the copy falls back to single elements. Every element of the column matrix
     * must be the image element its tap reads, or zero in the padding.
     */
    @Test
    void strideTwoRunsWriteEveryTapOrZeroInThePadding() {
        Random r = new Random(5);
        int[][] cases = {{32, 32, 4, 1}, {16, 16, 4, 1}, {8, 8, 4, 1}, {15, 17, 3, 1}, {64, 64, 3, 1}, {9, 40, 1, 0}};
        for (int[] c : cases) {
            int h = c[0];
            int wd = c[1];
            int k = c[2];
            int p = c[3];
            int gh = (h + 2 * p - k) / 2 + 1;
            int gw = (wd + 2 * p - k) / 2 + 1;
            Window w = Window.of(new int[] {h, wd}, new int[] {gh, gw}, new int[] {k, k}, new int[] {2, 2},
                    new int[] {1, 1}, new int[] {p, p});
            int channels = 3;
            float[] x = new float[channels * h * wd];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat() + 1f;
            }
            int ld = gh * gw;
            float[] col = new float[channels * k * k * ld];
            Arrays.fill(col, Float.NaN);
            Im2Col.im2colRuns(x, 0, 0, channels, w, col, 0, ld);
            for (int ch = 0; ch < channels; ch++) {
                for (int tap = 0; tap < k * k; tap++) {
                    for (int gy = 0; gy < gh; gy++) {
                        for (int gx = 0; gx < gw; gx++) {
                            int iy = 2 * gy - p + tap / k;
                            int ix = 2 * gx - p + tap % k;
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
                            float expected = inside ? x[(ch * h + iy) * wd + ix] : 0f;
                            assertThat(col[(ch * k * k + tap) * ld + gy * gw + gx])
                                    .as("%dx%d k%d channel %d tap %d at (%d, %d)", h, wd, k, ch, tap, gy, gx)
                                    .isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }
}
