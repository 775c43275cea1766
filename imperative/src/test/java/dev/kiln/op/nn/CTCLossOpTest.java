package dev.kiln.op.nn;

import dev.kiln.autograd.GradientChecker;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MXNet's CTCLoss op against a brute-force sum over every alignment, and its gradient against central differences. */
class CTCLossOpTest {

    /**
     * {@code -log} of the summed probability of every path over {@code steps} steps of the softmaxed scores of
     * batch entry {@code b} in {@code data} (time, batch, classes) that collapses (repeats merged, blanks dropped) to
     * {@code label}.
     */
    static double bruteForce(NDArray data, int b, int steps, int[] label, int blank) {
        int batch = data.shape().get(1);
        int classes = data.shape().get(2);
        double[][] prob = new double[steps][classes];
        for (int t = 0; t < steps; t++) {
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(data.getDouble((t * batch + b) * classes + c));
            }
            for (int c = 0; c < classes; c++) {
                prob[t][c] = Math.exp(data.getDouble((t * batch + b) * classes + c)) / z;
            }
        }
        double total = 0;
        int paths = (int) Math.pow(classes, steps);
        for (int code = 0; code < paths; code++) {
            int[] path = new int[steps];
            int rest = code;
            double p = 1;
            for (int t = 0; t < steps; t++) {
                path[t] = rest % classes;
                rest /= classes;
                p *= prob[t][path[t]];
            }
            List<Integer> collapsed = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                if (path[t] != blank && (t == 0 || path[t] != path[t - 1])) {
                    collapsed.add(path[t]);
                }
            }
            if (collapsed.equals(java.util.Arrays.stream(label).boxed().toList())) {
                total += p;
            }
        }
        return -Math.log(total);
    }

    @Test
    void isRegisteredUnderMXNetsNames() {
        var op = OpRegistry.global().get("CTCLoss");
        for (String alias : List.of("ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss")) {
            assertThat(OpRegistry.global().get(alias)).isSameAs(op);
        }
        assertThat(op.inputNames(op.attrs(Map.of("use_label_lengths", true))))
                .containsExactly("data", "label", "label_lengths");
    }

    @Test
    void lossIsTheSumOverAlignmentsWithTheBlankFirstAndZeroPadding() {
        Random.seed(3);
        NDArray data = Random.uniform(-1, 1, 5, 3, 4).astype(DType.FLOAT64);
        // labels 1..3, padded with 0; the second holds a repeat, the third is empty
        NDArray label = NDArray.of(Shape.of(3, 3), 1, 2, 0, 3, 3, 0, 0, 0, 0);
        NDArray loss = Ops.call("CTCLoss", data, label);
        assertThat(loss).hasShape(3).isCloseTo(new double[] {bruteForce(data, 0, 5, new int[] {1, 2}, 0),
                bruteForce(data, 1, 5, new int[] {3, 3}, 0), bruteForce(data, 2, 5, new int[] {}, 0)}, 1e-6, 1e-9);
    }

    @Test
    void theBlankLastPadsWithMinusOneAndLengthsCutSequencesAndLabels() {
        Random.seed(4);
        NDArray data = Random.uniform(-1, 1, 5, 2, 3).astype(DType.FLOAT64);
        NDArray padded = NDArray.of(Shape.of(2, 3), 0, 1, -1, 1, -1, -1);
        Map<String, Object> last = Map.of("blank_label", "last");
        assertThat(Ops.call("ctc_loss", last, data, padded)).isCloseTo(new double[] {
                bruteForce(data, 0, 5, new int[] {0, 1}, 2), bruteForce(data, 1, 5, new int[] {1}, 2)}, 1e-6, 1e-9);
        NDArray dataLengths = NDArray.of(Shape.of(2), 4, 3);
        NDArray labelLengths = NDArray.of(Shape.of(2), 1, 2);
        NDArray full = NDArray.of(Shape.of(2, 3), 0, 1, 1, 1, 0, 1);
        NDArray loss = Ops.call("CTCLoss", Map.of("blank_label", "last", "use_data_lengths", true,
                "use_label_lengths", true), data, full, dataLengths, labelLengths);
        assertThat(loss).isCloseTo(new double[] {bruteForce(data, 0, 4, new int[] {0}, 2),
                bruteForce(data, 1, 3, new int[] {1, 0}, 2)}, 1e-6, 1e-9);
    }

    @Test
    void aLabelThatCannotFitCostsZeroAsInMXNet() {
        NDArray data = Random.uniform(-1, 1, 3, 1, 3).astype(DType.FLOAT64);
        // two equal labels need a blank between them: 3 steps are not enough for 1, 1, 2 (needs 4)
        NDArray label = NDArray.of(Shape.of(1, 3), 1, 1, 2);
        assertThat(Ops.call("CTCLoss", data, label)).isCloseTo(new double[] {0}, 0, 0);
    }

    @Test
    void gradientMatchesCentralDifferencesAndStopsAtEachDataLength() {
        Random.seed(9);
        NDArray data = Random.uniform(-1, 1, 4, 2, 3).astype(DType.FLOAT64);
        GradientChecker.forOp("CTCLoss", Map.of()).wrt(0).verify(data, NDArray.of(Shape.of(2, 2), 1, 2, 2, 0)
                .astype(DType.FLOAT64));
        NDArray lengths = NDArray.of(Shape.of(2), 4, 2).astype(DType.FLOAT64);
        Map<String, Object> attrs = Map.of("blank_label", "last", "use_data_lengths", true);
        NDArray label = NDArray.of(Shape.of(2, 2), 0, 1, 1, -1).astype(DType.FLOAT64);
        GradientChecker.forOp("CTCLoss", attrs).wrt(0).verify(data, label, lengths);
        List<NDArray> all = Ops.invokeAll(OpRegistry.global().get("CTCLoss"),
                OpRegistry.global().get("CTCLoss").attrs(attrs), List.of(data, label.copy(), lengths));
        NDArray grad = all.get(1);
        for (int t = 2; t < 4; t++) {
            for (int c = 0; c < 3; c++) {
                assertThat(grad.getDouble((t * 2 + 1) * 3 + c)).as("gradient beyond the length").isZero();
            }
        }
    }

    @Test
    void badShapesAndLabelsAreNamed() {
        NDArray data = NDArray.zeros(4, 2, 3);
        assertThatThrownBy(() -> Ops.call("CTCLoss", data, NDArray.zeros(3, 2)))
                .hasMessageContaining("'label' of shape (3, 2)").hasMessageContaining("(4, 2, 3)");
        assertThatThrownBy(() -> Ops.call("CTCLoss", data, NDArray.zeros(2, 5)))
                .hasMessageContaining("more than the 4 time steps");
        assertThatThrownBy(() -> Ops.call("CTCLoss", data, NDArray.of(Shape.of(2, 2), 1, 5, 1, 0)))
                .hasMessageContaining("holds 5.0 at (0, 1)");
        assertThatThrownBy(() -> Ops.call("CTCLoss", Map.of("use_data_lengths", true), data, NDArray.zeros(2, 2),
                NDArray.zeros(3))).hasMessageContaining("'data_lengths' has shape (3,)");
        assertThatThrownBy(() -> Ops.call("CTCLoss", Map.of("use_data_lengths", true), data, NDArray.zeros(2, 2),
                NDArray.of(Shape.of(2), 5, 1))).hasMessageContaining("'data_lengths' holds 5.0");
    }
}
