package dev.kiln.examples.customop;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradientChecker;
import dev.kiln.block.Differential;
import dev.kiln.block.DifferentialReport;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worked custom operator: its forward, its hand-written gradient, and the layer built on it, hybridized. */
class LabelScaledFullyConnectedTest {
    private static final double K = 0.5;

    @BeforeAll
    static void register() {
        LabelScaledFullyConnected.register();
    }

    @Test
    void predictsLikeFullyConnectedAndScalesPositiveTrueLabelOutputsInTraining() {
        NDArray x = NDArray.of(Shape.of(2, 2), 1f, 2f, -1f, 1f);
        NDArray w = NDArray.of(Shape.of(3, 2), 1f, 0f, 0f, 1f, -1f, -1f);
        NDArray b = NDArray.of(Shape.of(3), 0f, 0f, 0f);
        NDArray label = NDArray.of(Shape.of(2), 1f, 0f);
        NDArray plain = Ops.call("FullyConnected", Map.of("num_hidden", 3), x, w, b); // [[1, 2, -3], [-1, 1, 0]]
        assertThat(LabelScaledFullyConnected.apply(x, w, b, label, 3, K)).isCloseTo(plain, 0, 0);
        NDArray trained;
        try (var train = Autograd.trainMode()) {
            trained = LabelScaledFullyConnected.apply(x, w, b, label, 3, K);
        }
        // row 0: label 1, output 2 > 0 is halved; row 1: label 0, output -1 is not positive and stays
        assertThat(trained).isCloseTo(new double[] {1, 1, -3, -1, 1, 0}, 0, 0);
    }

    @Test
    void handWrittenGradientMatchesCentralDifferencesInTrainingAndPredictMode() {
        GradientCase.Inputs in = new GradientCase.Inputs(3);
        NDArray x = in.uniform(-1.0, 1.0, 5, 4);
        NDArray w = in.uniform(-1.0, 1.0, 3, 4);
        NDArray b = in.uniform(-0.5, 0.5, 3);
        NDArray label = in.ints(0, 3, DType.FLOAT64, 5);
        for (boolean training : new boolean[] {true, false}) {
            GradientChecker.forFunction("label_scaled_fc (training " + training + ")",
                            a -> List.of(LabelScaledFullyConnected.apply(a.get(0), a.get(1), a.get(2), a.get(3), 3, K)))
                    .training(training).wrt(0, 1, 2).verify(x, w, b, label);
        }
    }

    @Test
    void wrongShapesAreReportedByTheProp() {
        assertThatThrownBy(() -> LabelScaledFullyConnected.apply(NDArray.zeros(2, 4), NDArray.zeros(3, 5),
                NDArray.zeros(3), NDArray.zeros(2), 3, K)).isInstanceOf(KilnException.class)
                .hasMessageContaining("weight must be (3, 4)").hasMessageContaining("got (3, 5)");
        assertThatThrownBy(() -> LabelScaledFullyConnected.apply(NDArray.zeros(2, 4), NDArray.zeros(3, 4),
                NDArray.zeros(3), NDArray.zeros(2), 3, 1.5)).isInstanceOf(KilnException.class)
                .hasMessageContaining("k must lie in (0, 1)");
    }

    @Test
    void asAHybridizedLayerItComputesWhatEagerComputesWithGradientsInBothModes() {
        // seeded before initialisation: the weights must not depend on which tests ran before this one
        dev.kiln.random.Random.seed(21);
        LabelScaledDense layer = new LabelScaledDense(3, 4, K);
        layer.initialize();
        NDArray x = dev.kiln.random.Random.uniform(-1, 1, 5, 4);
        NDArray label = NDArray.of(Shape.of(5), 0f, 1f, 2f, 1f, 0f);
        NDArray heads = dev.kiln.random.Random.uniform(-1, 1, 5, 3);
        NDArray[] outputs = new NDArray[2];
        for (boolean training : new boolean[] {true, false}) {
            DifferentialReport r = Differential.of(layer).inputs(x, label).training(training).headGradients(heads)
                    .run().assertWithin(1e-5, 1e-6);
            assertThat(r.compiledGraphs()).isEqualTo(1);
            assertThat(r.entries(DifferentialReport.Kind.PARAMETER_GRADIENT)).hasSize(2);
            NDArray y = r.entry("output 0 (labelscaleddense0_fwd_output)").compiled();
            NDArray expected;
            try (var mode = training ? Autograd.trainMode() : Autograd.predictMode()) {
                expected = LabelScaledFullyConnected.apply(x, layer.weight.data(), layer.bias.data(), label, 3, K);
            }
            assertThat(y).isCloseTo(expected, 1e-6, 1e-7);
            outputs[training ? 0 : 1] = y;
        }
        // training really scaled some true-label outputs, so both modes' graphs were compared
        assertThat(java.util.Arrays.equals(outputs[0].toDoubleArray(), outputs[1].toDoubleArray())).isFalse();
    }
}
