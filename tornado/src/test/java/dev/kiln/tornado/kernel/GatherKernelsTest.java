package dev.kiln.tornado.kernel;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;

/** split, stack, swapaxes, reverse, tile, repeat and broadcast_axis give the CPU ops' results. */
class GatherKernelsTest {
    private final Random r = new Random(29);

    @Test
    void splitWritesEveryPartWithOrWithoutSqueezing() {
        assertMatchesCpu(node("SliceChannel", Map.of("num_outputs", 3), 1), 0, random(r, 2, 6, 2));
        assertMatchesCpu(node("SliceChannel", Map.of("num_outputs", 4, "axis", -1, "squeeze_axis", true), 1), 0,
                random(r, 3, 4));
        assertMatchesCpu(node("SliceChannel", Map.of("num_outputs", 2, "axis", 0), 1), 0, random(r, 4, 3));
    }

    @Test
    void stackInsertsAnAxis() {
        assertMatchesCpu(node("stack", Map.of("axis", 1, "num_args", 3), 3), 0, random(r, 2, 4), random(r, 2, 4),
                random(r, 2, 4));
        assertMatchesCpu(node("stack", Map.of("axis", -1, "num_args", 2), 2), 0, random(r, 3), random(r, 3));
        assertMatchesCpu(node("stack", Map.of("axis", 0, "num_args", 2), 2), 0, random(r, 2, 3), random(r, 2, 3));
    }

    @Test
    void swapaxesAndReversePermuteCoordinates() {
        assertMatchesCpu(node("SwapAxis", Map.of("dim1", 0, "dim2", 2), 1), 0, random(r, 2, 3, 4));
        assertMatchesCpu(node("SwapAxis", Map.of("dim1", 1, "dim2", 1), 1), 0, random(r, 2, 3));
        assertMatchesCpu(node("reverse", Map.of("axis", "(0, 2)"), 1), 0, random(r, 2, 3, 4));
        assertMatchesCpu(node("reverse", Map.of("axis", "(-1,)"), 1), 0, random(r, 5));
    }

    @Test
    void sliceWithStepsNegativeBoundsAndNoneAndItsGradient() {
        dev.kiln.ndarray.NDArray x = random(r, 5, 6, 3);
        for (Map<String, Object> attrs : java.util.List.of(
                Map.<String, Object>of("begin", "(1, 0)", "end", "(4, 5)"),
                Map.<String, Object>of("begin", "(None, -5)", "end", "(None, -1)", "step", "(2, 2)"),
                Map.<String, Object>of("begin", "(4, None, 2)", "end", "(0, None, None)", "step", "(-1, -2, -1)"),
                Map.<String, Object>of("begin", "(-1,)", "end", "(None,)", "step", "(-3,)"))) {
            assertMatchesCpu(node("slice", attrs, 1), 0, x);
            dev.kiln.ndarray.NDArray y = KernelHarness.cpu(node("slice", attrs, 1), java.util.List.of(x)).get(0);
            assertMatchesCpu(node("_backward_slice", attrs, 2), 0, random(r, y.shape().dims()), x);
        }
    }

    @Test
    void tileRepeatAndBroadcastAxisRepeatElements() {
        assertMatchesCpu(node("tile", Map.of("reps", "(2, 3)"), 1), 0, random(r, 2, 2));
        assertMatchesCpu(node("tile", Map.of("reps", "(2, 1, 2)"), 1), 0, random(r, 3, 2));
        assertMatchesCpu(node("tile", Map.of("reps", "(2,)"), 1), 0, random(r, 2, 3));
        assertMatchesCpu(node("repeat", Map.of("repeats", 3), 1), 0, random(r, 2, 2));
        assertMatchesCpu(node("repeat", Map.of("repeats", 2, "axis", 1), 1), 0, random(r, 2, 3, 2));
        assertMatchesCpu(node("repeat", Map.of("repeats", 2, "axis", -1), 1), 0, random(r, 2, 3));
        assertMatchesCpu(node("broadcast_axis", Map.of("axis", "(0, 2)", "size", "(3, 4)"), 1), 0,
                random(r, 1, 2, 1));
    }
}
