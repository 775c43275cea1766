package dev.kiln.op.rnn;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeSlots;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RNNOpTest {
    private final GradientCase.Inputs random = new GradientCase.Inputs(77);

    /** Random inputs of the op for these sizes: data, parameters, state (and state_cell for LSTM). */
    private List<NDArray> inputs(String mode, int layers, boolean bidirectional, int t, int n, int c, int h) {
        RnnGeometry g = new RnnGeometry(RnnMode.of(mode), layers, bidirectional ? 2 : 1, t, n, c, h);
        List<NDArray> in = new ArrayList<>(List.of(random.uniform(t, n, c), random.uniform(-0.7, 0.7,
                (int) g.paramSize()), random.uniform(layers * g.dirs(), n, h)));
        if (mode.equals("lstm")) {
            in.add(random.uniform(layers * g.dirs(), n, h));
        }
        return in;
    }

    private static Map<String, Object> attrs(String mode, int layers, boolean bidirectional, int h, Object... more) {
        Map<String, Object> a = new LinkedHashMap<>(Map.of("mode", mode, "num_layers", layers, "bidirectional",
                bidirectional, "state_size", h));
        for (int i = 0; i < more.length; i += 2) {
            a.put((String) more[i], more[i + 1]);
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"rnn_relu, 1, false", "rnn_tanh, 2, false", "lstm, 1, false", "lstm, 2, true", "gru, 1, true",
            "gru, 3, false", "rnn_tanh, 2, true"})
    void forwardAndLastStatesMatchAPlainJavaLoop(String mode, int layers, boolean bidirectional) {
        int t = 4;
        int n = 2;
        int c = 3;
        int h = 3;
        List<NDArray> in = inputs(mode, layers, bidirectional, t, n, c, h);
        List<NDArray> out = Ops.invoke("RNN", attrs(mode, layers, bidirectional, h, "state_outputs", true),
                in.toArray(NDArray[]::new));
        ReferenceRnn ref = new ReferenceRnn(mode, layers, bidirectional, h, in.get(1).toDoubleArray(),
                nested(in.get(0)), nested(in.get(2)), mode.equals("lstm") ? nested(in.get(3)) : null, null);
        int dirs = bidirectional ? 2 : 1;
        assertThat(out).hasSize(mode.equals("lstm") ? 3 : 2);
        assertThat(out.get(0)).hasShape(t, n, dirs * h).isCloseTo(flat(ref.out), 1e-12, 1e-12);
        assertThat(out.get(1)).hasShape(layers * dirs, n, h).isCloseTo(flat(ref.hy), 1e-12, 1e-12);
        if (mode.equals("lstm")) {
            assertThat(out.get(2)).hasShape(layers * dirs, n, h).isCloseTo(flat(ref.cy), 1e-12, 1e-12);
        }
    }

    @Test
    void float32DataGivesFloat32OutputsAndOnlyTheOutputWithoutStateOutputs() {
        List<NDArray> in = inputs("gru", 2, true, 3, 2, 2, 2);
        List<NDArray> f32 = new ArrayList<>();
        in.forEach(a -> f32.add(a.astype(DType.FLOAT32)));
        List<NDArray> out = Ops.invoke("RNN", attrs("gru", 2, true, 2), f32.toArray(NDArray[]::new));
        assertThat(out).hasSize(1);
        NDArray wide = Ops.invoke("RNN", attrs("gru", 2, true, 2), in.toArray(NDArray[]::new)).get(0);
        assertThat(out.get(0)).hasDType(DType.FLOAT32).isCloseTo(wide, 1e-5, 1e-6);
    }

    @Test
    void theDataGivesTheParameterLengthAndStateShapes() {
        OpDef rnn = OpRegistry.global().get("RNN");
        var a = rnn.attrs(attrs("lstm", 2, true, 3, "state_outputs", true));
        ShapeSlots slots = new ShapeSlots(rnn, a, Arrays.asList(Shape.of(7, 4, 5), null, null, null),
                Arrays.asList(null, null, null));
        rnn.inferShapesPartial(slots);
        // gates*H = 12 rows per direction; layer 0: 2 * 12 * (5 + 3 + 2) = 240; layer 1: 2 * 12 * (6 + 3 + 2) = 264
        assertThat(slots.inputs()).containsExactly(Shape.of(7, 4, 5), Shape.of(504), Shape.of(4, 4, 3),
                Shape.of(4, 4, 3));
        assertThat(slots.outputs()).containsExactly(Shape.of(7, 4, 6), Shape.of(4, 4, 3), Shape.of(4, 4, 3));

        ShapeSlots back = new ShapeSlots(rnn, a, Arrays.asList(null, Shape.of(504), Shape.of(4, 4, 3), null),
                Arrays.asList(Shape.partial(7, -1, -1), null, null));
        rnn.inferShapesPartial(back);
        assertThat(back.inputs().get(0)).as("data from the parameter length, the state and the output")
                .isEqualTo(Shape.of(7, 4, 5));
        assertThat(rnn.numOutputs(rnn.attrs(attrs("gru", 2, false, 3, "p", 0.5)))).as("a hidden dropout mask")
                .isEqualTo(2);
        assertThat(rnn.inputNames(a)).containsExactly("data", "parameters", "state", "state_cell");
        assertThat(rnn.outputNames(a)).containsExactly("output", "state_output", "statecell_output");
    }

    @Test
    void dropoutBetweenLayersActsOnlyInTrainingWithTheMaskItReturns() {
        List<NDArray> in = inputs("rnn_tanh", 3, false, 3, 2, 2, 4);
        NDArray[] x = in.toArray(NDArray[]::new);
        NDArray plain = Ops.invoke("RNN", attrs("rnn_tanh", 3, false, 4), x).get(0);
        NDArray predict = Ops.invoke("RNN", attrs("rnn_tanh", 3, false, 4, "p", 0.5), x).get(0);
        assertThat(predict).isCloseTo(plain, 0, 0);

        OpDef rnn = OpRegistry.global().get("RNN");
        List<NDArray> trained;
        try (var ignored = Autograd.trainMode()) {
            trained = Ops.invokeAll(rnn, rnn.attrs(attrs("rnn_tanh", 3, false, 4, "p", 0.5)), in);
        }
        NDArray mask = trained.get(1);
        assertThat(mask).hasShape(2, 3, 2, 4);
        double[] m = mask.toDoubleArray();
        assertThat(Arrays.stream(m).allMatch(v -> v == 0 || v == 2)).as("kept values scaled by 1/(1-p)").isTrue();
        assertThat(Arrays.stream(m).filter(v -> v == 0).count()).as("some dropped").isPositive();
        double[][][][] masks = new double[2][][][];
        for (int l = 0; l < 2; l++) {
            masks[l] = nested(NDArray.of(Shape.of(3, 2, 4), DType.FLOAT64, Arrays.copyOfRange(m, l * 24,
                    (l + 1) * 24)));
        }
        ReferenceRnn ref = new ReferenceRnn("rnn_tanh", 3, false, 4, in.get(1).toDoubleArray(), nested(in.get(0)),
                nested(in.get(2)), null, masks);
        assertThat(trained.get(0)).isCloseTo(flat(ref.out), 1e-12, 1e-12);
        assertThat(trained.get(0).toDoubleArray()).isNotEqualTo(plain.toDoubleArray());
    }

    @Test
    void badInputsAndUnsupportedAttributesAreNamed() {
        List<NDArray> in = inputs("gru", 1, false, 2, 2, 3, 2);
        NDArray shortParams = random.uniform(10);
        assertThatThrownBy(() -> Ops.invoke("RNN", attrs("gru", 1, false, 2), in.get(0), shortParams, in.get(2)))
                .hasMessageContaining("op 'RNN'").hasMessageContaining("input 'parameters' has shape (10,)")
                .hasMessageContaining("(42,)"); // 3*2 rows, (3 + 2 + 2) columns each
        assertThatThrownBy(() -> Ops.invoke("RNN", attrs("gru", 1, false, 2), random.uniform(2, 3), in.get(1),
                in.get(2))).hasMessageContaining("'data' has shape (2, 3) but must be 3-D");
        assertThatThrownBy(() -> Ops.invoke("RNN", attrs("lstm", 1, false, 2, "projection_size", 1),
                in.get(0), in.get(1), in.get(2), in.get(2))).hasMessageContaining("projection_size=1")
                .hasMessageContaining("not implemented");
        assertThatThrownBy(() -> Ops.invoke("RNN", attrs("gru", 1, false, 2), in.get(0), in.get(1),
                in.get(2).astype(DType.FLOAT32))).hasMessageContaining("'state' has dtype float32");
    }

    @Test
    void paramConcatSplitsTheRestEquallyAmongInputsOfUnknownSize() {
        OpDef concat = OpRegistry.global().get("_rnn_param_concat");
        var a = concat.attrs(Map.of("num_args", 4, "dim", 0));
        ShapeSlots slots = new ShapeSlots(concat, a, Arrays.asList(Shape.of(4), Shape.partial(-1), null,
                Shape.of(2)), Arrays.asList(Shape.of(16)));
        concat.inferShapesPartial(slots);
        assertThat(slots.inputs()).containsExactly(Shape.of(4), Shape.of(5), Shape.of(5), Shape.of(2));
        NDArray joined = Ops.call("_rnn_param_concat", Map.of("num_args", 2, "dim", 0),
                NDArray.of(Shape.of(2), DType.FLOAT64, 1, 2), NDArray.of(Shape.of(1), DType.FLOAT64, 3));
        assertThat(joined).isCloseTo(new double[] {1, 2, 3}, 0, 0);
    }

    static double[][][] nested(NDArray a) {
        Shape s = a.shape();
        double[][][] out = new double[s.get(0)][s.get(1)][s.get(2)];
        for (int i = 0; i < s.get(0); i++) {
            for (int j = 0; j < s.get(1); j++) {
                for (int k = 0; k < s.get(2); k++) {
                    out[i][j][k] = a.getDouble(i, j, k);
                }
            }
        }
        return out;
    }

    static double[] flat(double[][][] a) {
        return Arrays.stream(a).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray();
    }
}
