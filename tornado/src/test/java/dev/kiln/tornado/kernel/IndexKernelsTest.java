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

/** Embedding and take with float indices (clipped or wrapped) and their gathering gradients match the CPU. */
class IndexKernelsTest {
    private final Random r = new Random(31);
    private final NDArray indices = NDArray.wrap(Shape.of(2, 3), new float[] {0, 3.7f, -2, 9, 2, 2});

    @Test
    void embeddingLooksUpClippedRowsAndItsGradientSumsRepeatedOnes() {
        Map<String, Object> attrs = Map.of("input_dim", 5, "output_dim", 4);
        assertMatchesCpu(node("Embedding", attrs, 2), 0, indices, random(r, 5, 4));
        assertMatchesCpu(node("_backward_Embedding", attrs, 2), 1e-6, random(r, 2, 3, 4), indices);
    }

    @Test
    void takeAlongAnyAxisClipsOrWrapsAndItsGradientGathers() {
        NDArray a = random(r, 3, 5, 2);
        for (String mode : new String[] {"clip", "wrap"}) {
            for (int axis : new int[] {0, 1, -1}) {
                Map<String, Object> attrs = Map.of("axis", axis, "mode", mode);
                assertMatchesCpu(node("take", attrs, 2), 0, a, indices);
                NDArray y = KernelHarness.cpu(node("take", attrs, 2), java.util.List.of(a, indices)).get(0);
                assertMatchesCpu(node("_backward_take", attrs, 3), 1e-6, random(r, y.shape().dims()), indices, a);
            }
        }
    }

    @Test
    void takeThatRaisesStaysOnTheHost() {
        assertThat(unsupported(node("take", Map.of("mode", "raise"), 2), Shape.of(3), Shape.of(2))).get().asString()
                .contains("raise");
    }
}
