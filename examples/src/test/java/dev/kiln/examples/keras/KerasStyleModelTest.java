package dev.kiln.examples.keras;

import dev.kiln.block.Differential;
import dev.kiln.block.DifferentialReport;
import dev.kiln.block.HybridSequential;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Worked example 2 of issue #6: the Keras MNIST convnet ({@code Conv2D(32, 3, relu)}, {@code Conv2D(64, 3, relu)},
 * {@code MaxPooling2D}, {@code Dropout(0.25)}, {@code Flatten}, {@code Dense(128, relu)}, {@code Dropout(0.5)},
 * {@code Dense(10, softmax)}) written with Kiln's layers, plus {@link LazyDense} standing in for the last layer the
 * way a Keras user writes a custom one.
 */
@ExtendWith(FreshNames.class)
class KerasStyleModelTest {

    @Test
    void infersEveryShapeFromTheInputAndCountsKerasParameters() {
        HybridSequential model = KerasStyleModel.kerasConvnet();
        assertThat(model.inferShape(Shape.of(2, 1, 28, 28))).isEqualTo(List.of(Shape.of(2, 10)));
        long total = model.collectParams().asMap().values().stream().mapToLong(p -> p.shape().size()).sum();
        assertThat(total).isEqualTo(1_199_882); // Keras's summary of the same model
        model.initialize(new Xavier());
        String summary = model.summary(Random.uniform(0, 1, 1, 1, 28, 28));
        assertThat(summary).contains("1199882").contains("(1, 10)");
    }

    @Test
    void predictsAProbabilityDistributionPerSampleEagerAndTraced() {
        HybridSequential model = KerasStyleModel.kerasConvnet();
        model.initialize(new Xavier());
        NDArray x = Random.uniform(0, 1, 2, 1, 28, 28);
        NDArray y = LayerCheck.of(model, x).expectShape(2, 10).withoutFiniteDifferences().tolerance(1e-4, 1e-6)
                .run().get(0);
        for (int n = 0; n < 2; n++) {
            double sum = 0;
            for (int j = 0; j < 10; j++) {
                sum += y.getDouble(n * 10 + j);
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void hybridizedConvnetTrainsThroughTheCompiledGraphAsEagerly() {
        HybridSequential model = KerasStyleModel.kerasConvnet();
        model.initialize(new Xavier());
        model.hybridize();
        NDArray x = Random.uniform(0, 1, 2, 1, 28, 28);
        DifferentialReport r = Differential.of(model).inputs(x).training(true) // both Dropouts draw their masks
                .headGradients(Random.uniform(-1, 1, 2, 10)).run().assertWithin(1e-4, 1e-6);
        assertThat(r.compiledGraphs()).isEqualTo(1);
        assertThat(r.entries(DifferentialReport.Kind.PARAMETER_GRADIENT)).hasSize(8);
        assertThat(r.entries(DifferentialReport.Kind.INPUT_GRADIENT)).hasSize(1);
        assertThat(model.isHybridized()).isTrue();
    }

    @Test
    void customLayerTakesTheLastDensesPlaceWithItsShapeInferred() {
        HybridSequential model = KerasStyleModel.withLazyDense();
        assertThat(model.inferShape(Shape.of(3, 1, 8, 8))).isEqualTo(List.of(Shape.of(3, 10)));
        LazyDense last = (LazyDense) model.get(3);
        assertThat(last.kernel.shape()).isEqualTo(Shape.of(36, 10));
        model.initialize(new Xavier());
        LayerCheck.of(model, Random.uniform(0, 1, 3, 1, 8, 8)).expectShape(3, 10).withoutFiniteDifferences().run();
    }
}
