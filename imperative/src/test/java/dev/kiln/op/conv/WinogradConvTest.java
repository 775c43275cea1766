package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.random;
import static dev.kiln.op.conv.FloatConvCases.widen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link WinogradConv} agrees with the textbook convolution (in double precision) to within rounding, whatever the
 * padding, odd or even grid, tile rows narrower or wider than a vector, channel count and batch (products split
 * over the threads or side by side); its filter transform is G g G^T; it runs the epilogue once per element after
 * the bias; and it takes only the layers it is for.
 */
class WinogradConvTest {

    private static Window window(int height, int width, int pad) {
        return Window.of(new int[] {height, width}, new int[] {height + 2 * pad - 2, width + 2 * pad - 2},
                new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {pad, pad});
    }

    /** The kernel itself takes any size; {@link WinogradConv#applies} only says where it pays. */
    private static void check(Window w, int batch, int channels, int filters, Random r) {
        float[] x = random(r, batch * channels * w.imageSize());
        float[] weight = random(r, filters * channels * 9);
        float[] bias = random(r, filters);
        float[] y = new float[batch * filters * w.gridSize()];
        java.util.Arrays.fill(y, Float.NaN);
        WinogradConv.convolution(x, weight, bias, batch, channels, filters, w, null, y);
        double[] expected = DirectConv.conv(widen(x), new int[] {batch, channels, w.image()[1], w.image()[2]},
                widen(weight), widen(bias), filters, 1, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {w.pad()[1], w.pad()[2]}, new int[] {batch, filters, w.grid()[1], w.grid()[2]});
        // each output sums 9 * channels products of unit-variance terms: rounding grows with that sum's scale
        double scale = Math.sqrt(9.0 * channels);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) y[i]).as("%s batch %d element %d", w, batch, i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(2e-5 * scale));
        }
    }

    @Test
    void agreesWithTheTextbookConvolution() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        Random r = new Random(21);
        int lanes = VectorSupport.floatLanes();
        // batch 1 and 5 (one product, its phases split over the threads) and 8 (four products side by side)
        check(window(32, 32, 1), 1, 16, 16, r);
        check(window(16, 16, 1), 5, 32, 24, r);
        check(window(16, 16, 1), 8, 128, 16, r);
        // odd grids (a last half tile), no padding, padding 2, rectangular, tile rows wider than a vector
        check(window(15, 13, 1), 2, 16, 17, r);
        check(window(18, 18, 0), 1, 20, 16, r);
        check(window(9, 11, 2), 3, 17, 16, r);
        check(window(10, 4 * lanes + 6, 1), 1, 16, 20, r);
        // small grids over a larger batch
        check(window(4, 4, 1), 20, 48, 32, r);
        check(window(3, 3, 1), 40, 16, 16, r);
    }

    @Test
    void filterTransformPlacesEachKernelsTransformAtItsPanelRowAndColumn() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        Random r = new Random(22);
        int filters = 67;
        int channels = 21;
        float[] w = random(r, filters * channels * 9);
        WinogradConv.Layout lay = WinogradConv.Layout.of(window(8, 8, 1), channels, filters);
        float[] u = WinogradFilters.transform(w, lay).clone();
        int nr = 64;
        int panels = lay.panels();
        int ts = panels * lay.cp() * nr;
        float[] out = new float[16];
        for (int f = 0; f < lay.fp(); f++) {
            for (int c = 0; c < lay.cp(); c++) {
                if (f < filters && c < channels) {
                    WinogradTiles.filter(w, (f * channels + c) * 9, out);
                } else {
                    java.util.Arrays.fill(out, 0f);
                }
                int p = f / nr;
                for (int t = 0; t < 16; t++) {
                    assertThat(u[t * ts + (p * lay.cp() + c) * nr + f - p * nr])
                            .as("filter %d channel %d position %d", f, c, t).isEqualTo(out[t]);
                }
            }
        }
    }

    @Test
    void filterTransformIsGgGTransposed() {
        // G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], computed here as the matrix product
        double[][] gm = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
        float[] g = {1, 2, 3, -4, 5, 6, 7, -8, 9};
        float[] out = new float[16];
        WinogradTiles.filter(g, 0, out);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        s += gm[i][a] * g[3 * a + b] * gm[j][b];
                    }
                }
                assertThat((double) out[4 * i + j]).isEqualTo(s);
            }
        }
    }

    @Test
    void theEpilogueSeesEveryElementOnceAfterTheBias() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        Random r = new Random(23);
        for (int batch : new int[] {1, 6}) {
            FloatConvCases.assertEpilogueOnceAfterBias((x, weight, bias, n, c, f, w, epilogue) -> {
                float[] y = new float[n * f * w.gridSize()];
                WinogradConv.convolution(x, weight, bias, n, c, f, w, epilogue, y);
                return y;
            }, window(12, 12, 1), batch, 16, 16, r);
        }
    }

    @Test
    void onlyDeepUnitStride3x3LayersWithEnoughTilesTakeIt() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        Window w = window(16, 16, 1);
        assertThat(WinogradConv.applies(w, 1, 128, 128, 2)).as("128 tiles").isTrue();
        assertThat(WinogradConv.applies(w, 1, 128, 128, 1)).as("64 tiles").isFalse();
        assertThat(WinogradConv.applies(w, 2, 256, 256, 8)).as("grouped").isFalse();
        assertThat(WinogradConv.applies(w, 1, 48, 128, 8)).as("shallow").isFalse();
        assertThat(WinogradConv.applies(w, 1, 128, 48, 8)).as("few filters").isFalse();
        assertThat(WinogradConv.applies(window(32, 32, 1), 1, 64, 64, 1)).as("32x32, one image").isTrue();
        assertThat(WinogradConv.applies(window(8, 8, 1), 1, 256, 256, 8)).as("8x8, 128 tiles").isTrue();
        assertThat(WinogradConv.applies(window(4, 4, 1), 1, 512, 512, 16)).as("4x4, 64 tiles").isFalse();
        assertThat(WinogradConv.applies(window(8, 8, 1), 1, 1024, 1024, 32)).as("64 MB of filters").isTrue();
        assertThat(WinogradConv.applies(window(8, 8, 1), 1, 2048, 1024, 32)).as("128 MB of filters").isFalse();
        Window strided = Window.of(new int[] {32, 32}, new int[] {16, 16}, new int[] {3, 3}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1});
        assertThat(WinogradConv.applies(strided, 1, 64, 64, 8)).isFalse();
        Window dilated = Window.of(new int[] {32, 32}, new int[] {28, 28}, new int[] {3, 3}, new int[] {1, 1},
                new int[] {2, 2}, new int[] {0, 0});
        assertThat(WinogradConv.applies(dilated, 1, 64, 64, 8)).isFalse();
        Window fiveByFive = Window.of(new int[] {32, 32}, new int[] {32, 32}, new int[] {5, 5}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {2, 2});
        assertThat(WinogradConv.applies(fiveByFive, 1, 64, 64, 8)).isFalse();
    }

    @Test
    void keptFiltersLowerTheTileThresholdToSixtyFour() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        Window w = window(16, 16, 1);
        assertThat(WinogradConv.applies(w, 1, 128, 128, 1, true)).as("64 tiles, filters kept").isTrue();
        assertThat(WinogradConv.applies(w, 1, 128, 128, 1, false)).as("64 tiles, filters per call").isFalse();
        assertThat(WinogradConv.applies(window(8, 8, 1), 1, 256, 256, 3, true)).as("48 tiles, kept").isFalse();
        assertThat(WinogradConv.applies(window(8, 8, 1), 1, 48, 256, 8, true)).as("shallow, kept").isFalse();
    }

    @Test
    void keptTransformedFiltersGiveBitwiseThePerCallResult() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        Random r = new Random(25);
        Window w = window(10, 12, 1);
        int batch = 2;
        int channels = 70;
        int filters = 90;
        float[] x = random(r, batch * channels * w.imageSize());
        float[] weight = random(r, filters * channels * 9);
        float[] bias = random(r, filters);
        float[] perCall = new float[batch * filters * w.gridSize()];
        float[] kept = new float[perCall.length];
        WinogradConv.convolution(x, weight, bias, batch, channels, filters, w, null, perCall);
        float[] u = WinogradConv.transformedFilters(weight, w, channels, filters);
        // another layer's transform in between must not touch the kept copy (the per-call one is thread scratch)
        WinogradConv.convolution(random(r, channels * w.imageSize()), random(r, filters * channels * 9), null, 1,
                channels, filters, w, null, new float[filters * w.gridSize()]);
        WinogradConv.convolutionTransformed(x, u, bias, batch, channels, filters, w, null, kept);
        for (int i = 0; i < perCall.length; i++) {
            assertThat(Float.floatToIntBits(kept[i])).as("element %d", i)
                    .isEqualTo(Float.floatToIntBits(perCall[i]));
        }
        assertThat(WinogradConv.filterKey(channels, filters)).isEqualTo(WinogradConv.filterKey(70, 90))
                .isNotEqualTo(WinogradConv.filterKey(90, 70));
    }

    @Test
    void theDataGradientEqualsTheForwardOfTheFlippedSwappedWeightBitwise() {
        assumeThat(VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16)
                .as("the kernel needs 16-lane vectors").isTrue();
        Random r = new Random(24);
        // the layer: 21 channels to 70 filters; its data gradient convolves 70 channels into 21
        int layerChannels = 21;
        int layerFilters = 70;
        int batch = 3;
        Window win = window(9, 11, 1);
        float[] w = random(r, layerFilters * layerChannels * 9);
        float[] dy = random(r, batch * layerFilters * win.imageSize());
        float[] flipped = new float[w.length];
        for (int f = 0; f < layerFilters; f++) {
            for (int c = 0; c < layerChannels; c++) {
                for (int k = 0; k < 9; k++) {
                    flipped[(c * layerFilters + f) * 9 + k] = w[(f * layerChannels + c) * 9 + 8 - k];
                }
            }
        }
        float[] expected = new float[batch * layerChannels * win.gridSize()];
        WinogradConv.convolution(dy, flipped, null, batch, layerFilters, layerChannels, win, null, expected);
        float[] dx = new float[expected.length];
        java.util.Arrays.fill(dx, Float.NaN);
        WinogradConv.dataGrad(dy, w, batch, layerFilters, layerChannels, win, dx);
        assertThat(dx).isEqualTo(expected);
    }
}
