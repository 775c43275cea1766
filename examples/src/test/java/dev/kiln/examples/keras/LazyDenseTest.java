package dev.kiln.examples.keras;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Worked example 2, its custom layer: Keras's build and compute_output_shape, done by Kiln's inference. */
@ExtendWith(FreshNames.class)
class LazyDenseTest {

    @Test
    void outputShapeIsInferredWithoutRunningAndFixesTheKernelShape() {
        LazyDense d = new LazyDense(3);
        assertThat(d.kernel.shape().isKnown()).isFalse();
        assertThat(d.inferShape(Shape.of(4, 7))).isEqualTo(List.of(Shape.of(4, 3)));
        assertThat(d.kernel.shape()).isEqualTo(Shape.of(7, 3));
        assertThat(d.kernel.isInitialized()).isFalse();
    }

    @Test
    void firstCallBuildsTheKernelFromTheInputAndComputesXTimesKernelPlusBias() {
        LazyDense d = new LazyDense(2);
        d.initialize();
        NDArray x = NDArray.of(Shape.of(1, 3), 1f, 2f, 3f);
        NDArray y = d.call(x);
        NDArray k = d.kernel.data();
        assertThat(k).hasShape(3, 2);
        double[] expected = new double[2];
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < 3; i++) {
                expected[j] += x.getDouble(i) * k.getDouble(i * 2 + j);
            }
        }
        assertThat(y).isCloseTo(expected, 1e-6, 1e-7);
        LayerCheck.of(d, Random.uniform(-1, 1, 2, 3)).expectShape(2, 2).run();
    }
}
