package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.DerivedWeights;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.kiln.op.conv.FloatConvCases.bits;
import static dev.kiln.op.conv.FloatConvCases.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class SmallGridConvTest {
    @BeforeEach
    void needsTheVectorKernel() {
        assumeThat(VectorSupport.isAvailable()).as("the transposed product runs on the vector kernel only").isTrue();
    }

    /** A 2-D window over {@code h x w} with a square kernel, stride, dilation and padding. */
    private static Window window(int h, int w, int k, int stride, int dilate, int pad) {
        int span = (k - 1) * dilate + 1;
        return Window.of(new int[] {h, w}, new int[] {(h + 2 * pad - span) / stride + 1,
                (w + 2 * pad - span) / stride + 1}, new int[] {k, k}, new int[] {stride, stride},
                new int[] {dilate, dilate}, new int[] {pad, pad});
    }

    /** Runs the layer with its weight kept in {@code derived}, into a NaN-filled output (every element written). */
    private static float[] kept(float[] x, NDArray weight, float[] bias, int batch, int channels, int filters,
                                Window w, DerivedWeights derived) {
        float[] y = new float[batch * filters * w.gridSize()];
        Arrays.fill(y, Float.NaN);
        return ConvKernels.convolution(x, weight, bias, batch, channels, filters, 1, w, null, y, derived);
    }

    private static void assertSameAsProducts(Window w, int batch, int channels, int filters, boolean withBias,
                                             Random r) {
        int kk = channels * w.kernelSize();
        if (VectorSupport.floatLanes() == 16) {
            // the choice weighs register blocks, so it depends on the vector width; the results never do
            assertThat(SmallGridConv.applies(w, 1, batch, filters, kk)).as("the layer takes the transposed product")
                    .isTrue();
        }
        float[] x = random(r, batch * channels * w.imageSize());
        float[] weight = random(r, filters * kk);
        float[] bias = withBias ? random(r, filters) : null;
        NDArray wa = NDArray.wrap(Shape.of(filters, kk), weight);
        float[] y = kept(x, wa, bias, batch, channels, filters, w, new DerivedWeights());
        float[] products = ConvKernels.convolutionByProducts(x, weight, bias, batch, channels, filters, 1, w, null,
                null);
        assertThat(bits(y)).containsExactly(bits(products));
    }

    @Test
    void aLayerOverAFewPositionsGivesBitwiseTheIm2colProductsResult() {
        Random r = new Random(3);
        // the 2 x 2 grid at the bottom of a UNet, a 4 x 4 stride-2 layer onto 2 x 2, a 1 x 1 layer, a dilated one
        assertSameAsProducts(window(2, 2, 3, 1, 1, 1), 2, 128, 128, true, r);
        assertSameAsProducts(window(4, 4, 4, 2, 1, 1), 2, 64, 64, true, r);
        assertSameAsProducts(window(2, 3, 1, 1, 1, 0), 1, 40, 70, false, r);
        assertSameAsProducts(window(4, 4, 3, 1, 2, 1), 1, 17, 100, true, r);
        // one image, one position, a depth that is not a whole number of depth blocks
        assertSameAsProducts(window(1, 1, 3, 1, 1, 1), 1, 300, 33, true, r);
    }

    @Test
    void oneAndThreeDimensionalWindowsToo() {
        Random r = new Random(4);
        Window line = Window.of(new int[] {6}, new int[] {3}, new int[] {3}, new int[] {2}, new int[] {1},
                new int[] {1});
        assertSameAsProducts(line, 2, 30, 64, true, r);
        Window volume = Window.of(new int[] {2, 2, 2}, new int[] {2, 2, 2}, new int[] {3, 3, 3},
                new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1});
        assertSameAsProducts(volume, 1, 9, 48, true, r);
    }

    @Test
    void theWeightIsPackedOnceAndAgainOnlyAfterItIsWritten() {
        assumeThat(VectorSupport.floatLanes()).as("the layer below takes the path with 16-lane vectors").isEqualTo(16);
        Random r = new Random(5);
        Window w = window(2, 2, 3, 1, 1, 1);
        int channels = 64;
        int filters = 96;
        float[] x = random(r, 2 * channels * 4);
        float[] weight = random(r, filters * channels * 9);
        NDArray wa = NDArray.wrap(Shape.of(filters, channels, 3, 3), weight);
        DerivedWeights derived = new DerivedWeights();
        float[] first = kept(x, wa, null, 2, channels, filters, w, derived);
        float[] second = kept(x, wa, null, 2, channels, filters, w, derived);
        assertThat(derived.derivations()).isEqualTo(1);
        assertThat(bits(second)).containsExactly(bits(first));

        for (int i = 0; i < weight.length; i++) {
            weight[i] = -weight[i];
        }
        wa.markMutated();
        float[] negated = kept(x, wa, null, 2, channels, filters, w, derived);
        assertThat(derived.derivations()).isEqualTo(2);
        for (int i = 0; i < first.length; i++) {
            assertThat(negated[i]).as("element %d", i).isEqualTo(-first[i]);
        }
    }

    @Test
    void theEpilogueSeesEveryElementOnceAfterTheBias() {
        Window w = window(4, 4, 4, 2, 1, 1);
        FloatConvCases.assertEpilogueOnceAfterBias((x, weight, bias, batch, channels, filters, win, epilogue) -> {
            float[] y = new float[batch * filters * win.gridSize()];
            NDArray wa = NDArray.wrap(Shape.of(filters, channels * win.kernelSize()), weight);
            return ConvKernels.convolution(x, wa, bias, batch, channels, filters, 1, win, epilogue, y,
                    new DerivedWeights());
        }, w, 2, 32, 80, new Random(6));
    }

    @Test
    void onlyNarrowProductsOfOneGroupTakeIt() {
        assumeThat(VectorSupport.floatLanes()).as("the shapes below are chosen for 16-lane vectors").isEqualTo(16);
        Window bottom = window(2, 2, 3, 1, 1, 1);
        assertThat(SmallGridConv.applies(bottom, 1, 2, 128, 1152)).as("128 filters, 8 positions").isTrue();
        assertThat(SmallGridConv.applies(bottom, 2, 2, 128, 576)).as("two groups").isFalse();
        // a full vector of positions: the untransposed product's block has no empty lanes
        Window late = window(4, 4, 3, 1, 1, 1);
        assertThat(SmallGridConv.applies(late, 1, 1, 512, 4608)).as("ResNet-18's 4 x 4 layers at batch 1")
                .isFalse();
        assertThat(SmallGridConv.applies(window(32, 32, 3, 1, 1, 1), 1, 1, 64, 576)).as("a 32 x 32 grid")
                .isFalse();
    }
}
