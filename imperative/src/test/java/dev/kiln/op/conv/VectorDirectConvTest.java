package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link VectorDirectConv} gives bitwise the results of the im2col and GEMM path for the shallow layers it takes
 * (one and three channels, padding, dilation, rows that are not a whole number of vectors, grids that are not a
 * whole number of four-row blocks, one image split by rows and several split by images), and agrees with the textbook convolution in double precision.
 */
class VectorDirectConvTest {

    private static void check(Window w, int batch, int channels, int filters, boolean withBias, Random r) {
        int kk = channels * w.kernelSize();
        assertThat(VectorDirectConv.applies(w, 1, kk)).as("%s", w).isTrue();
        FloatConvCases.assertMatchesProducts(w, batch, channels, filters, withBias, r);
    }

    @Test
    void shallowLayersEqualTheGemmPathBitwiseAndTheTextbookConvolution() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        Random r = new Random(11);
        int lanes = VectorSupport.floatLanes();
        // the small CNN's first layer and the CIFAR ResNet stem
        check(window(28, 28, 3, 3, 1, 1, 1), 5, 1, 16, true, r);
        check(window(32, 32, 3, 3, 1, 1, 1), 1, 3, 64, false, r);
        check(window(32, 32, 3, 3, 1, 1, 1), 3, 3, 6, true, r);
        // rows exactly one vector, one more than a vector, no padding, 5x5, dilation, a 1x3 kernel, odd filters
        check(window(5, lanes, 3, 3, 1, 1, 1), 2, 2, 7, true, r);
        check(window(4, lanes + 1, 3, 3, 1, 1, 1), 1, 3, 5, false, r);
        check(window(9, lanes + 7, 3, 3, 1, 0, 0), 4, 3, 9, true, r);
        check(window(11, 2 * lanes + 3, 5, 5, 1, 2, 2), 2, 1, 4, false, r);
        check(window(12, lanes + 4, 3, 3, 2, 2, 2), 3, 2, 3, true, r);
        check(window(6, lanes + 2, 1, 3, 1, 0, 1), 2, 8, 5, true, r);
        // four rows at a time: three rows (one at a time), 10 rows of one image split over the threads (parts that
        // end overlapping), 2 rows split into single rows
        check(window(3, lanes + 5, 3, 3, 1, 1, 1), 2, 1, 6, true, r);
        check(window(10, lanes + 3, 3, 3, 1, 1, 1), 1, 3, 64, true, r);
        check(window(2, 2 * lanes, 3, 3, 1, 1, 1), 1, 3, 64, false, r);
    }

    @Test
    void theEpilogueSeesEveryElementOnceAfterTheBias() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        Random r = new Random(12);
        for (int batch : new int[] {1, 4}) {
            FloatConvCases.assertEpilogueOnceAfterBias((x, weight, bias, n, c, f, w, epilogue) ->
                    ConvKernels.convolution(x, weight, bias, n, c, f, 1, w, epilogue, null),
                    window(20, 20, 3, 3, 1, 1, 1), batch, 3, 8, r);
        }
    }

    @Test
    void deepStridedGroupedOrNarrowLayersAreLeftToTheGemmPath() {
        int lanes = VectorSupport.floatLanes();
        assertThat(VectorDirectConv.applies(window(28, 28, 3, 3, 1, 1, 1), 1, 4 * 9)).isFalse();
        assertThat(VectorDirectConv.applies(window(28, 28, 3, 3, 1, 1, 1), 2, 9)).isFalse();
        assertThat(VectorDirectConv.applies(window(7, lanes - 1, 3, 3, 1, 1, 1), 1, 9)).isFalse();
        Window strided = Window.of(new int[] {32, 32}, new int[] {16, 16}, new int[] {3, 3}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1});
        assertThat(VectorDirectConv.applies(strided, 1, 27)).isFalse();
    }
}
