package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static dev.kiln.tornado.kernel.KernelHarness.unsupported;
import static org.assertj.core.api.Assertions.assertThat;

/** Copies, fills and gathers give the CPU ops' results. */
class LayoutKernelsTest {
    private final Random r = new Random(11);

    @Test
    void reshapingOpsCopyTheData() {
        NDArray x = random(r, 2, 3, 4);
        assertMatchesCpu(node("Flatten", Map.of(), 1), 0, x);
        assertMatchesCpu(node("Reshape", Map.of("shape", "(4, -1)"), 1), 0, x);
        assertMatchesCpu(node("expand_dims", Map.of("axis", 1), 1), 0, x);
        assertMatchesCpu(node("_copy", Map.of(), 1), 0, x);
        assertMatchesCpu(node("reshape_like", Map.of(), 2), 0, x, random(r, 6, 4));
    }

    @Test
    void dropoutThatDropsNothingIsTheIdentityWithAMaskOfOnes() {
        assertMatchesCpu(node("Dropout", Map.of("p", 0.0), 1), 0, random(r, 3, 4));
        assertThat(unsupported(node("Dropout", Map.of("p", 0.5), 1), Shape.of(3, 4))).get().asString()
                .contains("random");
    }

    @Test
    void fillsWriteConstants() {
        assertMatchesCpu(node("zeros_like", Map.of(), 1), 0, random(r, 3, 5));
        assertMatchesCpu(node("ones_like", Map.of(), 1), 0, random(r, 3, 5));
    }

    @Test
    void transposeFollowsItsAxesOrReversesThem() {
        NDArray x = random(r, 2, 3, 4);
        assertMatchesCpu(node("transpose", Map.of(), 1), 0, x);
        assertMatchesCpu(node("transpose", Map.of("axes", "(1, 2, 0)"), 1), 0, x);
        assertMatchesCpu(node("transpose", Map.of("axes", "(0, 2, 1)"), 1), 0, x);
    }

    @Test
    void sliceAxisTakesTheRangeIncludingNegativeBounds() {
        NDArray x = random(r, 3, 5, 2);
        assertMatchesCpu(node("slice_axis", Map.of("axis", 1, "begin", 1, "end", 4), 1), 0, x);
        assertMatchesCpu(node("slice_axis", Map.of("axis", -1, "begin", -1, "end", "None"), 1), 0, x);
        assertMatchesCpu(node("slice_axis", Map.of("axis", 0, "begin", 0, "end", -1), 1), 0, x);
    }

    @Test
    void concatPlacesEveryInputAlongTheAxis() {
        assertMatchesCpu(node("Concat", Map.of("dim", 1, "num_args", 3), 3), 0, random(r, 2, 1, 3),
                random(r, 2, 4, 3), random(r, 2, 2, 3));
        assertMatchesCpu(node("Concat", Map.of("dim", 0, "num_args", 2), 2), 0, random(r, 2, 3), random(r, 1, 3));
        assertMatchesCpu(node("Concat", Map.of("dim", -1, "num_args", 2), 2), 0, random(r, 2, 3), random(r, 2, 2));
    }

    @Test
    void whereChoosesByElementOrByRowWithNaNTrue() {
        NDArray cond = NDArray.wrap(Shape.of(2, 3), new float[] {1, 0, Float.NaN, 0, -2, 0});
        assertMatchesCpu(node("where", Map.of(), 3), 0, cond, random(r, 2, 3), random(r, 2, 3));
        NDArray rows = NDArray.wrap(Shape.of(3), new float[] {0, 1, 0});
        assertMatchesCpu(node("where", Map.of(), 3), 0, rows, random(r, 3, 2, 2), random(r, 3, 2, 2));
    }

    @Test
    void concatGradientCutsTheGradientIntoParts() {
        assertMatchesCpu(node("_backward_Concat", Map.of("dim", 1, "num_args", 3), 4), 0, random(r, 2, 7, 3),
                random(r, 2, 1, 3), random(r, 2, 4, 3), random(r, 2, 2, 3));
        assertMatchesCpu(node("_backward_Concat", Map.of("dim", -1, "num_args", 2), 3), 0, random(r, 2, 5),
                random(r, 2, 3), random(r, 2, 2));
    }

    @Test
    void sliceAxisGradientPutsTheGradientIntoZeros() {
        assertMatchesCpu(node("_backward_slice_axis", Map.of("axis", 1, "begin", 1, "end", 4), 2), 0,
                random(r, 3, 3, 2), random(r, 3, 5, 2));
        assertMatchesCpu(node("_backward_slice_axis", Map.of("axis", -1, "begin", -2, "end", "None"), 2), 0,
                random(r, 3, 2), random(r, 3, 5));
    }

    @Test
    void broadcastsRepeatSizeOneAxes() {
        assertMatchesCpu(node("broadcast_to", Map.of("shape", "(3, 4, 5)"), 1), 0, random(r, 3, 1, 5));
        assertMatchesCpu(node("broadcast_like", Map.of(), 2), 0, random(r, 1, 4), random(r, 3, 4));
        assertMatchesCpu(node("_broadcast_reduced_like", Map.of("axis", "(1,)", "exclude", true, "mean", true), 2),
                1e-6, random(r, 4), random(r, 2, 4, 3));
        assertMatchesCpu(node("_broadcast_reduced_like", Map.of("axis", "(0, 2)", "keepdims", true), 2), 0,
                random(r, 1, 4, 1), random(r, 2, 4, 3));
    }
}
