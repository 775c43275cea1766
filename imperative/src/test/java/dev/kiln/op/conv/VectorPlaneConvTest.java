package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.strided;
import static dev.kiln.op.conv.FloatConvCases.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link VectorPlaneConv} gives bitwise the results of the im2col and GEMM path for the layers it takes (the small
 * CNN's second layer and its data gradient, a depth the GEMM splits in two, six- and eight-filter register blocks
 * with partial blocks of filters and of positions, rectangular kernels, dilation, no padding, one image split by
 * register blocks, strided windows on phase planes), agrees with the textbook convolution, and runs its epilogue
 * once per element.
 */
class VectorPlaneConvTest {

    private static void check(Window w, int batch, int channels, int filters, boolean withBias, Random r) {
        int kk = channels * w.kernelSize();
        assertThat(VectorPlaneConv.applies(w, 1, filters, kk)).as("%s", w).isTrue();
        FloatConvCases.assertMatchesProducts(w, batch, channels, filters, withBias, r);
    }

    @Test
    void layersWithFewFiltersEqualTheGemmPathBitwiseAndTheTextbookConvolution() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        Random r = new Random(21);
        // eight-filter blocks take 16, 32, 13 and 7 filters below, six-filter blocks 12, 6, 1 and 5; the last block
        // of positions is 1, 2 or 3 vectors of the four-vector (six-filter) or three-vector (eight-filter) form
        // the small CNN's second layer (extended grid 14 x 16 = 4 x 48 + 32) and its data gradient (depth 288, which
        // the GEMM splits into two blocks of 144)
        check(window(14, 14, 3, 3, 1, 1, 1), 3, 16, 32, true, r);
        check(window(14, 14, 3, 3, 1, 1, 1), 2, 32, 16, false, r);
        // one image split over the threads; extended grid 28 x 30 rounded to 848 = 17 x 48 + 32 = 13 x 64 + 16
        check(window(28, 28, 3, 3, 1, 1, 1), 1, 8, 13, true, r);
        check(window(28, 28, 3, 3, 1, 1, 1), 2, 8, 12, true, r);
        // a 3x5 kernel with rectangular padding: extended grid 20 x 44 = 880 = 18 x 48 + 16 = 13 x 64 + 48
        check(window(20, 40, 3, 5, 1, 1, 2), 2, 4, 7, true, r);
        check(window(20, 40, 3, 5, 1, 1, 2), 2, 4, 6, false, r);
        // dilation 2 with a single filter, and no padding at all
        check(window(24, 30, 3, 3, 2, 2, 2), 3, 5, 1, false, r);
        check(window(18, 18, 3, 3, 1, 0, 0), 4, 6, 6, true, r);
        // padding wider than the kernel reaches: whole grid rows and columns read only zeros
        check(window(10, 12, 3, 3, 1, 3, 3), 2, 4, 5, true, r);
        // an 8x8 grid: a fifth of each 10-wide plane row is dropped
        check(window(8, 8, 3, 3, 1, 1, 1), 2, 16, 32, true, r);
    }

    @Test
    void stridedLayersReadPhasePlanesAndEqualTheGemmPathBitwise() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        Random r = new Random(23);
        // the UNet's 4x4 stride-2 down layers: planes 17, 9 and 5 wide for grids 16, 8 and 4
        check(strided(32, 32, 4, 4, 2, 2, 1, 1, 1), 2, 8, 8, true, r);
        check(strided(16, 16, 4, 4, 2, 2, 1, 1, 1), 2, 16, 16, false, r);
        check(strided(8, 8, 4, 4, 2, 2, 1, 1, 1), 3, 32, 32, true, r);
        // odd image sizes: the last padded row and column are never read (3x3, stride 2, 15x17 into 8x9)
        check(strided(15, 17, 3, 3, 2, 2, 1, 1, 1), 2, 6, 7, true, r);
        // different strides per axis, no padding, and a stride of three with dilation two (phases 0, 2, 1 of three)
        check(strided(20, 36, 3, 3, 1, 2, 1, 0, 0), 2, 5, 6, false, r);
        check(strided(31, 46, 3, 3, 3, 3, 2, 2, 2), 2, 4, 9, true, r);
        // a later tap reads further than the last (phase 1 of a channel's middle column lies after its phase 0): the
        // planes' slack must cover the furthest tap, one image split over the threads
        check(strided(70, 50, 3, 3, 1, 2, 1, 0, 1), 1, 16, 16, true, r);
        // padding wider than the window reaches: phase rows and columns of zeros only
        check(strided(12, 26, 3, 3, 2, 2, 1, 3, 3), 1, 8, 5, true, r);
    }

    @Test
    void theEpilogueSeesEveryElementOnceAfterTheBias() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        Random r = new Random(22);
        for (int batch : new int[] {1, 4}) {
            FloatConvCases.assertEpilogueOnceAfterBias((x, weight, bias, n, c, f, w, epilogue) ->
                    ConvKernels.convolution(x, weight, bias, n, c, f, 1, w, epilogue, null),
                    window(14, 14, 3, 3, 1, 1, 1), batch, 8, 10, r);
        }
    }

    @Test
    void groupedShallowWideOrMostlyPaddedLayersTakeOtherPaths() {
        Window cnn = window(14, 14, 3, 3, 1, 1, 1);
        assertThat(VectorPlaneConv.applies(cnn, 1, 32, 144)).isTrue();
        assertThat(VectorPlaneConv.applies(cnn, 2, 32, 72)).as("grouped").isFalse();
        assertThat(VectorPlaneConv.applies(cnn, 1, VectorPlaneConv.MAX_FILTERS + 1, 144)).as("many filters").isFalse();
        assertThat(VectorPlaneConv.applies(cnn, 1, 16, VectorDirectConv.MAX_DEPTH)).as("shallow").isFalse();
        // a 4x4 grid pads its rows to 6, a 2x2 grid of 4x4 stride-2 windows reads phase rows 3 wide: a third of the
        // positions would be computed and dropped
        assertThat(VectorPlaneConv.applies(window(4, 4, 3, 3, 1, 1, 1), 1, 32, 288)).as("4x4").isFalse();
        assertThat(VectorPlaneConv.applies(strided(4, 4, 4, 4, 2, 2, 1, 1, 1), 1, 32, 512)).as("2x2 strided")
                .isFalse();
        Window deep = Window.of(new int[] {4, 14, 14}, new int[] {4, 14, 14}, new int[] {3, 3, 3},
                new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1});
        assertThat(VectorPlaneConv.applies(deep, 1, 16, 16 * 27)).as("3-D").isFalse();
    }
}
