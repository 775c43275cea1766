package dev.kiln.rnn;

import dev.kiln.autograd.Autograd;
import dev.kiln.init.Constant;
import dev.kiln.init.Uniform;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class RecurrentLayerTest {

    /** A layer of {@code mode} ("rnn_relu", "rnn_tanh", "lstm", "gru") from a configured builder. */
    static RecurrentLayer layer(String mode, int hidden, int layers, boolean bidirectional, String layout) {
        return switch (mode) {
            case "lstm" -> LSTM.builder(hidden).numLayers(layers).bidirectional(bidirectional).layout(layout).build();
            case "gru" -> GRU.builder(hidden).numLayers(layers).bidirectional(bidirectional).layout(layout).build();
            default -> RNN.builder(hidden).activation(mode.substring(4)).numLayers(layers)
                    .bidirectional(bidirectional).layout(layout).build();
        };
    }

    @Test
    void parametersAreNamedAndShapedAsGluonsWithADeferredInputSize() {
        LSTM lstm = LSTM.builder(10).numLayers(2).bidirectional(true).build();
        assertThat(lstm.prefix()).isEqualTo("lstm0_");
        assertThat(lstm.collectParams().keys()).containsExactly(
                "lstm0_l0_i2h_weight", "lstm0_l0_h2h_weight", "lstm0_l0_i2h_bias", "lstm0_l0_h2h_bias",
                "lstm0_r0_i2h_weight", "lstm0_r0_h2h_weight", "lstm0_r0_i2h_bias", "lstm0_r0_h2h_bias",
                "lstm0_l1_i2h_weight", "lstm0_l1_h2h_weight", "lstm0_l1_i2h_bias", "lstm0_l1_h2h_bias",
                "lstm0_r1_i2h_weight", "lstm0_r1_h2h_weight", "lstm0_r1_i2h_bias", "lstm0_r1_h2h_bias");
        assertThat(lstm.parameter("l0_i2h_weight").shape()).isEqualTo(Shape.partial(40, -1));
        assertThat(lstm.parameter("r1_i2h_weight").shape()).isEqualTo(Shape.of(40, 20));
        assertThat(lstm.parameter("l1_h2h_weight").shape()).isEqualTo(Shape.of(40, 10));
        assertThat(lstm.parameter("r0_h2h_bias").shape()).isEqualTo(Shape.of(40));
        assertThat(lstm).hasToString("LSTM(None -> 10, TNC, num_layers=2, bidirectional)");
        lstm.initialize();
        NDArray y = lstm.call(Random.uniform(-1, 1, 3, 2, 5));
        assertThat(y).hasShape(3, 2, 20);
        assertThat(lstm.parameter("l0_i2h_weight").shape()).isEqualTo(Shape.of(40, 5));
        assertThat(lstm.parameter("r0_i2h_weight").shape()).isEqualTo(Shape.of(40, 5));
        assertThat(lstm).hasToString("LSTM(5 -> 10, TNC, num_layers=2, bidirectional)");

        assertThat(new RNN(4)).hasToString("RNN(None -> 4, TNC)");
        assertThat(new RNN(4).mode().mxnetName()).as("Gluon's default activation").isEqualTo("rnn_relu");
        assertThat(GRU.builder(3).layout("NTC").dropout(0.5).inputSize(7).build())
                .hasToString("GRU(7 -> 3, NTC, dropout=0.5)");
        assertThat(new GRU(3).collectParams().keys()).first().isEqualTo("gru1_l0_i2h_weight");
        assertThat(new GRU(3).parameter("l0_h2h_weight").shape()).isEqualTo(Shape.of(9, 3));
    }

    @Test
    void builderArgumentsAreCheckedAndInitialisersAndDTypeApplied() {
        assertThatThrownBy(() -> LSTM.builder(4).layout("TCN").build()).hasMessageContaining("invalid layout 'TCN'");
        assertThatThrownBy(() -> new RNN(4, 1, "sigmoid")).hasMessageContaining("'relu' or 'tanh', got 'sigmoid'");
        assertThatThrownBy(() -> new GRU(0)).hasMessageContaining("hiddenSize and numLayers must be positive");
        GRU g = GRU.builder(2).inputSize(3).dtype(DType.FLOAT64).i2hBiasInitializer(new Constant(0.5))
                .h2hWeightInitializer("ones").build();
        g.initialize(new Constant(-1));
        assertThat(g.parameter("l0_i2h_bias").data()).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 0, 0);
        assertThat(g.parameter("l0_h2h_bias").data().toDoubleArray()).containsOnly(0.0);
        assertThat(g.parameter("l0_h2h_weight").data().toDoubleArray()).containsOnly(1.0);
        assertThat(g.parameter("l0_i2h_weight").data().toDoubleArray()).containsOnly(-1.0);
        assertThat(g.stateInfo(5)).containsExactly(new StateInfo(Shape.of(1, 5, 2), "LNC", DType.FLOAT64));
        assertThat(g.beginState(5)).singleElement().satisfies(s -> assertThat(s).hasShape(1, 5, 2)
                .hasDType(DType.FLOAT64));
    }

    @Test
    void oneStepLstmMatchesHandComputedGates() {
        LSTM lstm = LSTM.builder(1).inputSize(1).build();
        lstm.initialize();
        // gate rows i, f, g, o; i2h weights, h2h weights, i2h bias, h2h bias
        lstm.parameter("l0_i2h_weight").setData(NDArray.of(Shape.of(4, 1), 0.5f, -0.25f, 1f, 0.75f));
        lstm.parameter("l0_h2h_weight").setData(NDArray.of(Shape.of(4, 1), 0.1f, 0.2f, -0.3f, 0.4f));
        lstm.parameter("l0_i2h_bias").setData(NDArray.of(Shape.of(4), 0.05f, 0.5f, 0f, -0.1f));
        lstm.parameter("l0_h2h_bias").setData(NDArray.of(Shape.of(4), 0f, 0.5f, 0.2f, 0f));
        NDArray x = NDArray.of(Shape.of(2, 1, 1), 2f, -1f);
        List<NDArray> out = lstm.call(x, List.of(NDArray.of(Shape.of(1, 1, 1), 0.3f),
                NDArray.of(Shape.of(1, 1, 1), -0.6f)));
        double h = 0.3;
        double c = -0.6;
        double[] ys = new double[2];
        for (int t = 0; t < 2; t++) {
            double xt = t == 0 ? 2 : -1;
            double i = sig(0.5 * xt + 0.05 + 0.1 * h);
            double f = sig(-0.25 * xt + 0.5 + 0.2 * h + 0.5);
            double g = Math.tanh(xt - 0.3 * h + 0.2);
            double o = sig(0.75 * xt - 0.1 + 0.4 * h);
            c = f * c + i * g;
            h = o * Math.tanh(c);
            ys[t] = h;
        }
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).hasShape(2, 1, 1).isCloseTo(ys, 1e-6, 1e-7);
        assertThat(out.get(1)).isCloseTo(new double[] {h}, 1e-6, 1e-7);
        assertThat(out.get(2)).isCloseTo(new double[] {c}, 1e-6, 1e-7);
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn_relu", "rnn_tanh", "lstm", "gru"})
    void passesTheLayerChecksOneLayerAndTwoBidirectional(String mode) {
        RecurrentLayer one = layer(mode, 3, 1, false, "TNC");
        one.initialize(new Uniform(0.5));
        LayerCheck.of(one, Random.uniform(-1, 1, 3, 2, 2)).expectShape(3, 2, 3).run();
        RecurrentLayer two = layer(mode, 2, 2, true, "NTC");
        two.initialize(new Uniform(0.5));
        LayerCheck.of(two, Random.uniform(-1, 1, 2, 3, 2)).expectShape(2, 3, 4).run();
    }

    @Test
    void withBeginStatesItReturnsTheLastStatesAndPassesTheChecks() {
        LSTM lstm = LSTM.builder(2).numLayers(2).inputSize(3).build();
        lstm.initialize(new Uniform(0.5));
        NDArray h0 = Random.uniform(-1, 1, 2, 2, 2);
        NDArray c0 = Random.uniform(-1, 1, 2, 2, 2);
        List<NDArray> out = LayerCheck.of(lstm, Random.uniform(-1, 1, 3, 2, 3), h0, c0)
                .expectShapes(Shape.of(3, 2, 2), Shape.of(2, 2, 2), Shape.of(2, 2, 2)).run();
        assertThat(out.get(1).toDoubleArray()).isNotEqualTo(h0.toDoubleArray());
        GRU gru = GRU.builder(2).bidirectional(true).layout("NTC").build();
        gru.initialize(new Uniform(0.5));
        LayerCheck.of(gru, Random.uniform(-1, 1, 2, 3, 2), Random.uniform(-1, 1, 2, 2, 2))
                .expectShapes(Shape.of(2, 3, 4), Shape.of(2, 2, 2)).run();
        assertThatThrownBy(() -> lstm.call(Random.uniform(-1, 1, 3, 2, 3), List.of(h0)))
                .hasMessageContaining("takes the data and 2 begin state(s), got 1");
        assertThatThrownBy(() -> lstm.call(Random.uniform(-1, 1, 3, 2, 3), List.of(h0, Random.uniform(-1, 1, 2, 3, 2))))
                .hasMessageContaining("'state_cell' has shape (2, 3, 2) but must have shape (2, 2, 2)");
    }

    @Test
    void ntcLayoutIsTheTncLayerOnSwappedAxes() {
        RecurrentLayer tnc = layer("gru", 3, 2, true, "TNC");
        RecurrentLayer ntc = GRU.builder(3).numLayers(2).bidirectional(true).layout("NTC").params(tnc.params())
                .build();
        tnc.initialize(new Uniform(0.5));
        NDArray x = Random.uniform(-1, 1, 4, 2, 3);
        NDArray y = tnc.call(x);
        NDArray swapped = Ops.call("swapaxes", Map.of("dim1", 0, "dim2", 1), x);
        assertThat(ntc.call(swapped)).hasShape(2, 4, 6)
                .isCloseTo(Ops.call("swapaxes", Map.of("dim1", 0, "dim2", 1), y), 0, 0);
    }

    @Test
    void dropoutActsBetweenLayersOnlyInTraining() {
        LSTM plain = LSTM.builder(4).numLayers(2).build();
        LSTM dropped = LSTM.builder(4).numLayers(2).dropout(0.5).params(plain.params()).build();
        plain.initialize(new Uniform(0.5));
        NDArray x = Random.uniform(-1, 1, 3, 2, 3);
        NDArray reference = plain.call(x);
        assertThat(dropped.call(x)).isCloseTo(reference, 0, 0);
        NDArray trained;
        try (var ignored = Autograd.trainMode()) {
            trained = dropped.call(x);
            assertThat(plain.call(x)).isCloseTo(reference, 0, 0);
        }
        assertThat(trained.toDoubleArray()).isNotEqualTo(reference.toDoubleArray());
        LayerCheck.of(dropped, x).training(true).run();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn_relu", "rnn_tanh", "lstm", "gru"})
    void theLayerEqualsItsUnrolledCellsWithTheSameWeights(String mode) {
        RecurrentLayer layer = layer(mode, 3, 2, true, "NTC");
        layer.initialize(new Uniform(0.5));
        NDArray x = Random.uniform(-1, 1, 2, 4, 3);
        List<NDArray> begin = layer.beginState(2);
        begin.replaceAll(s -> Random.uniform(-1, 1, s.shape().dims()));
        List<NDArray> fused = layer.call(x, begin);
        SequentialRNNCell cells = layer.unfuse();
        assertThat(cells.collectParams().keys()).containsExactlyElementsOf(layer.collectParams().keys());
        // the layer's states are (layers * dirs, N, H); the cells' are one (N, H) per layer and direction
        List<NDArray> cellStates = new java.util.ArrayList<>();
        for (int k = 0; k < 4; k++) {
            for (NDArray s : begin) {
                cellStates.add(Ops.call("slice_axis", Map.of("axis", 0, "begin", k, "end", k + 1), s)
                        .reshape(2, 3));
            }
        }
        Unrolled<NDArray> u = cells.unroll(4, x, cellStates, "NTC", true);
        assertThat(u.merged()).isCloseTo(fused.get(0), 1e-5, 1e-6);
        for (int i = 0; i < begin.size(); i++) {
            for (int k = 0; k < 4; k++) {
                NDArray fusedState = Ops.call("slice_axis", Map.of("axis", 0, "begin", k, "end", k + 1),
                        fused.get(1 + i)).reshape(2, 3);
                assertThat(u.states().get(k * begin.size() + i)).as("state %d of layer/direction %d", i, k)
                        .isCloseTo(fusedState, 1e-5, 1e-6);
            }
        }
    }
}
