package dev.kiln.loss;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class CTCLossTest {
    private NDArray ntc;
    private NDArray label;

    @BeforeEach
    void inputs() {
        Random.seed(21);
        ntc = Random.uniform(-1, 1, 2, 4, 3); // batch 2, 4 steps, classes 0, 1 and the blank 2
        label = NDArray.of(Shape.of(2, 2), 0, 1, 1, -1);
    }

    /** {@code -log} of the probability of {@code target} under all alignments of steps {@code [0, steps)} of row b. */
    private static double bruteForce(NDArray scores, int b, int steps, int[] target) {
        int classes = scores.shape().get(2);
        int blank = classes - 1;
        double total = 0;
        for (int code = 0; code < Math.pow(classes, steps); code++) {
            int rest = code;
            double p = 1;
            List<Integer> collapsed = new ArrayList<>();
            int previous = -1;
            for (int t = 0; t < steps; t++) {
                int c = rest % classes;
                rest /= classes;
                double z = 0;
                for (int k = 0; k < classes; k++) {
                    z += Math.exp(scores.getDouble(b, t, k));
                }
                p *= Math.exp(scores.getDouble(b, t, c)) / z;
                if (c != blank && c != previous) {
                    collapsed.add(c);
                }
                previous = c;
            }
            if (collapsed.equals(java.util.Arrays.stream(target).boxed().toList())) {
                total += p;
            }
        }
        return -Math.log(total);
    }

    /** {@code x} with its first two axes swapped, by index arithmetic. */
    private static NDArray swapFirstAxes(NDArray x) {
        int d0 = x.shape().get(0);
        int d1 = x.shape().get(1);
        int rest = x.shape().size() / (d0 * d1);
        double[] v = x.toDoubleArray();
        double[] out = new double[v.length];
        for (int i = 0; i < d0; i++) {
            for (int j = 0; j < d1; j++) {
                System.arraycopy(v, (i * d1 + j) * rest, out, (j * d0 + i) * rest, rest);
            }
        }
        return NDArray.of(x.shape().with(0, d1).with(1, d0), x.dtype(), out);
    }

    @Test
    void blankIsTheLastClassAndLabelsArePaddedWithMinusOne() {
        CTCLoss loss = new CTCLoss();
        assertThat(loss).hasToString("CTCLoss(batch_axis=0, w=None)");
        assertThat(loss.prefix()).isEqualTo("ctcloss0_");
        double[] expected = {bruteForce(ntc, 0, 4, new int[] {0, 1}), bruteForce(ntc, 1, 4, new int[] {1})};
        assertThat(loss.forward(ntc, label)).hasShape(2).isCloseTo(expected, 1e-5, 1e-6);
        NDArray sw = NDArray.of(Shape.of(2), 2, 0.5f);
        assertThat(CTCLoss.builder().weight(3.0).build().forward(ntc, label, sw))
                .isCloseTo(new double[] {expected[0] * 6, expected[1] * 1.5}, 1e-5, 1e-6);
        // integer labels and lengths: finite differences move only the scores
        LayerCheck.of(loss, ntc, label.astype(DType.INT32)).expectShape(2).run();
    }

    @Test
    void timeMajorLayoutsGiveTheSameLoss() {
        CTCLoss loss = new CTCLoss("TNC", "TN");
        assertThat(loss).hasToString("CTCLoss(batch_axis=1, w=None)");
        NDArray tnc = swapFirstAxes(ntc);
        NDArray tn = swapFirstAxes(label);
        double[] expected = {bruteForce(ntc, 0, 4, new int[] {0, 1}), bruteForce(ntc, 1, 4, new int[] {1})};
        assertThat(loss.forward(tnc, tn)).isCloseTo(expected, 1e-5, 1e-6);
        LayerCheck.of(loss, tnc, tn.astype(DType.INT32)).expectShape(2).run();
        assertThatThrownBy(() -> new CTCLoss("NCT", "NT")).hasMessageContaining("'NTC' and 'TNC'")
                .hasMessageContaining("'NCT'");
        assertThatThrownBy(() -> new CTCLoss("NTC", "TT")).hasMessageContaining("labelLayout");
    }

    @Test
    void predictionAndLabelLengthsCutEachSequence() {
        NDArray predLengths = NDArray.of(Shape.of(2), 3, 4);
        NDArray labelLengths = NDArray.of(Shape.of(2), 1, 2);
        NDArray full = NDArray.of(Shape.of(2, 2), 0, 1, 1, 0);
        CTCLoss loss = new CTCLoss();
        assertThat(loss.forward(ntc, full, predLengths, labelLengths)).isCloseTo(new double[] {
                bruteForce(ntc, 0, 3, new int[] {0}), bruteForce(ntc, 1, 4, new int[] {1, 0})}, 1e-5, 1e-6);
        assertThat(loss.forward(ntc, label, predLengths, null)).isCloseTo(new double[] {
                bruteForce(ntc, 0, 3, new int[] {0, 1}), bruteForce(ntc, 1, 4, new int[] {1})}, 1e-5, 1e-6);
        NDArray sw = NDArray.of(Shape.of(2), 1, 3);
        assertThat(loss.forward(ntc, full, null, labelLengths, sw)).isCloseTo(new double[] {
                bruteForce(ntc, 0, 4, new int[] {0}), 3 * bruteForce(ntc, 1, 4, new int[] {1, 0})}, 1e-5, 1e-6);
        LayerCheck.of(loss, ntc, full.astype(DType.INT32), predLengths.astype(DType.INT32),
                labelLengths.astype(DType.INT32)).expectShape(2).run();
        LayerCheck.of(loss, ntc, full.astype(DType.INT32), null, labelLengths.astype(DType.INT32), sw).expectShape(2).run();
    }

    @Test
    void mismatchedShapesNameTheLossAndTheShapes() {
        CTCLoss loss = new CTCLoss();
        assertThatThrownBy(() -> loss.forward(ntc, NDArray.zeros(3, 2)))
                .hasMessageContaining("CTCLoss 'ctcloss0'").hasMessageContaining("(3, 2)")
                .hasMessageContaining("(2, 4, 3)");
        assertThatThrownBy(() -> loss.forward(ntc, NDArray.zeros(2, 5))).hasMessageContaining("at most 4 steps");
        assertThatThrownBy(() -> loss.forward(ntc, label, NDArray.zeros(3), null))
                .hasMessageContaining("'pred_lengths' of shape (3,)");
        assertThatThrownBy(() -> loss.forward(ntc.reshape(8, 3), label)).hasMessageContaining("must be 3-D");
    }
}
