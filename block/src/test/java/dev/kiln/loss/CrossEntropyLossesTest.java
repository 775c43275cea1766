package dev.kiln.loss;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class CrossEntropyLossesTest {
    private NDArray pred;
    private NDArray sampleWeight;

    @BeforeEach
    void inputs() {
        Random.seed(5);
        pred = Random.uniform(-3, 3, 3, 4);
        sampleWeight = Random.uniform(0, 2, 3, 1);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Per row: the mean over columns of the binary cross-entropy, positive terms scaled by posWeight[col]. */
    private static double[] bce(NDArray prob, NDArray label, double[] posWeight, NDArray sw, double w) {
        int rows = prob.shape().get(0);
        int cols = prob.shape().get(1);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                double p = prob.getDouble(r, c);
                double z = label.getDouble(r, c);
                s += -(posWeight[c] * z * Math.log(p) + (1 - z) * Math.log(1 - p));
            }
            out[r] = s / cols * w * (sw == null ? 1 : sw.getDouble(r));
        }
        return out;
    }

    @Test
    void sigmoidBinaryCrossEntropyFromScoresOrProbabilitiesWithPositiveWeights() {
        NDArray label = NDArray.of(Shape.of(3, 4), 1, 0, 0.3f, 1, 0, 0, 1, 0.5f, 1, 1, 0, 0);
        NDArray prob = pred.copy();
        for (int i = 0; i < 12; i++) {
            prob.setDouble(i, sigmoid(pred.getDouble(i)));
        }
        double[] ones = {1, 1, 1, 1};
        double[] pw = {2, 0.5, 1, 3};
        NDArray posWeight = NDArray.of(Shape.of(1, 4), 2, 0.5f, 1, 3);
        SigmoidBinaryCrossEntropyLoss loss = new SigmoidBinaryCrossEntropyLoss();
        assertThat(loss).hasToString("SigmoidBinaryCrossEntropyLoss(batch_axis=0, w=None)");
        assertThat(loss.prefix()).isEqualTo("sigmoidbinarycrossentropyloss0_");
        assertThat(loss.forward(pred, label)).isCloseTo(bce(prob, label, ones, null, 1), 1e-5, 1e-6);
        assertThat(loss.forward(pred, label, sampleWeight, posWeight))
                .isCloseTo(bce(prob, label, pw, sampleWeight, 1), 1e-5, 1e-6);
        SigmoidBinaryCrossEntropyLoss fromSigmoid = SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true)
                .weight(0.5).build();
        assertThat(fromSigmoid.forward(prob, label)).isCloseTo(bce(prob, label, ones, null, 0.5), 1e-5, 1e-6);
        assertThat(fromSigmoid.forward(prob, label, null, posWeight)).isCloseTo(bce(prob, label, pw, null, 0.5),
                1e-5, 1e-6);
        assertThat(new SigmoidBCELoss(true)).hasToString("SigmoidBinaryCrossEntropyLoss(batch_axis=0, w=None)");
        assertThatThrownBy(() -> loss.forward(pred, label, null, NDArray.of(Shape.of(1, 3), 1, 1, 1)))
                .hasMessageContaining("'pos_weight' of shape (1, 3)");
        LayerCheck.of(loss, pred, label, sampleWeight, posWeight).expectShape(3).run();
        LayerCheck.of(new SigmoidBCELoss(), pred, label).expectShape(3).run();
        LayerCheck.of(fromSigmoid, prob, label, null, posWeight).expectShape(3).run();
    }

    /** Per row of (rows, classes) log-probabilities: {@code -logp[label]} times the sample weight. */
    private static double[] picked(NDArray logp, double[] label, NDArray sw) {
        int rows = logp.shape().get(0);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = -logp.getDouble(r, (int) label[r]) * (sw == null ? 1 : sw.getDouble(r));
        }
        return out;
    }

    @Test
    void softmaxCrossEntropyPicksTheLabelsLogProbability() {
        double[] classes = {2, 0, 3};
        NDArray label = NDArray.of(Shape.of(3), 2, 0, 3);
        NDArray logp = PointwiseLossesTest.logSoftmaxRows(pred);
        SoftmaxCrossEntropyLoss loss = new SoftmaxCrossEntropyLoss();
        assertThat(loss).hasToString("SoftmaxCrossEntropyLoss(batch_axis=0, w=None)");
        assertThat(loss.forward(pred, label)).isCloseTo(picked(logp, classes, null), 1e-5, 1e-6);
        assertThat(loss.forward(pred, label, sampleWeight)).isCloseTo(picked(logp, classes, sampleWeight), 1e-5,
                1e-6);
        assertThat(SoftmaxCrossEntropyLoss.builder().fromLogits(true).build().forward(logp, label))
                .isCloseTo(picked(logp, classes, null), 1e-5, 1e-6);
        assertThat(new SoftmaxCELoss()).hasToString("SoftmaxCrossEntropyLoss(batch_axis=0, w=None)");
        assertThatThrownBy(() -> loss.forward(pred, NDArray.of(Shape.of(4), 0, 1, 2, 3)))
                .hasMessageContaining("sparse 'label' of shape (4,)").hasMessageContaining("(3, 4)");
        LayerCheck.of(loss, pred, label.astype(dev.kiln.ndarray.DType.INT32), sampleWeight).expectShape(3).run();
        LayerCheck.of(new SoftmaxCELoss(), pred, label.astype(dev.kiln.ndarray.DType.INT32)).expectShape(3).run();
        assertThat(loss.forward(pred, label.astype(dev.kiln.ndarray.DType.INT32))).isCloseTo(picked(logp, classes, null),
                1e-5, 1e-6);
    }

    @Test
    void softmaxCrossEntropyWithDistributionsAlongAnotherAxis() {
        NDArray p = Random.uniform(-2, 2, 2, 3, 2);
        NDArray target = Random.uniform(0.1, 1, 2, 3, 2);
        SoftmaxCrossEntropyLoss loss = SoftmaxCrossEntropyLoss.builder().axis(1).sparseLabel(false).weight(2.0)
                .build();
        double[] expected = new double[2];
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 2; k++) {
                double z = 0;
                for (int c = 0; c < 3; c++) {
                    z += Math.exp(p.getDouble(n, c, k));
                }
                double ce = 0;
                for (int c = 0; c < 3; c++) {
                    ce -= target.getDouble(n, c, k) * (p.getDouble(n, c, k) - Math.log(z));
                }
                expected[n] += 2 * ce / 2;
            }
        }
        assertThat(loss.forward(p, target)).hasShape(2).isCloseTo(expected, 1e-5, 1e-6);
        LayerCheck.of(loss, p, target).expectShape(2).run();

        SoftmaxCrossEntropyLoss sparse = SoftmaxCrossEntropyLoss.builder().axis(1).build();
        NDArray classes = NDArray.of(Shape.of(2, 2), 0, 2, 1, 1);
        double[] picked = new double[2];
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 2; k++) {
                double z = 0;
                for (int c = 0; c < 3; c++) {
                    z += Math.exp(p.getDouble(n, c, k));
                }
                picked[n] -= (p.getDouble(n, (int) classes.getDouble(n, k), k) - Math.log(z)) / 2;
            }
        }
        assertThat(sparse.forward(p, classes)).isCloseTo(picked, 1e-5, 1e-6);
        // integer class indices: finite differences move only the scores
        LayerCheck.of(sparse, p, classes.astype(dev.kiln.ndarray.DType.INT32)).expectShape(2).run();
    }
}
