package dev.kiln.loss;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.function.DoubleBinaryOperator;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class PointwiseLossesTest {
    private NDArray pred;
    private NDArray label;
    private NDArray sampleWeight;

    @BeforeEach
    void inputs() {
        Random.seed(11);
        pred = Random.uniform(-2, 2, 3, 4);
        label = Random.uniform(-2, 2, 3, 4);
        sampleWeight = Random.uniform(0, 2, 3, 1);
    }

    /** The mean over each row of {@code f(pred, label)} times the row's sample weight (if any) and {@code w}. */
    private static double[] rowMeans(NDArray p, NDArray l, NDArray sw, double w, DoubleBinaryOperator f) {
        int rows = p.shape().get(0);
        int cols = p.shape().size() / rows;
        double[] pv = p.toDoubleArray();
        double[] lv = l.toDoubleArray();
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += f.applyAsDouble(pv[r * cols + c], lv[r * cols + c]);
            }
            out[r] = s / cols * w * (sw == null ? 1 : sw.getDouble(r));
        }
        return out;
    }

    @Test
    void l2IsHalfTheWeightedSquaredErrorAveragedPerSample() {
        L2Loss loss = new L2Loss();
        assertThat(loss).hasToString("L2Loss(batch_axis=0, w=1.0)");
        assertThat(loss.prefix()).isEqualTo("l2loss0_");
        assertThat(loss.forward(pred, label)).isCloseTo(rowMeans(pred, label, null, 0.5, (p, l) -> (l - p) * (l - p)),
                1e-5, 1e-6);
        assertThat(new L2Loss(3).forward(pred, label, sampleWeight))
                .isCloseTo(rowMeans(pred, label, sampleWeight, 1.5, (p, l) -> (l - p) * (l - p)), 1e-5, 1e-6);
        assertThat(L2Loss.builder().weight(null).build().forward(pred, label))
                .isCloseTo(rowMeans(pred, label, null, 0.5, (p, l) -> (l - p) * (l - p)), 1e-5, 1e-6);
        LayerCheck.of(new L2Loss(2), pred, label, sampleWeight).expectShape(3).run();
    }

    @Test
    void theLabelIsReshapedToThePredictionAndAMismatchNamesBothShapes() {
        L1Loss loss = new L1Loss();
        assertThat(loss).hasToString("L1Loss(batch_axis=0, w=None)");
        assertThat(loss.forward(pred, label.reshape(12)))
                .isCloseTo(rowMeans(pred, label, null, 1, (p, l) -> Math.abs(l - p)), 1e-5, 1e-6);
        assertThatThrownBy(() -> loss.forward(pred, Random.uniform(0, 1, 3, 5)))
                .hasMessageContaining("L1Loss 'l1loss0'").hasMessageContaining("(3, 5)")
                .hasMessageContaining("(3, 4)");
        assertThatThrownBy(() -> loss.forward(pred, label, Random.uniform(0, 1, 2, 1)))
                .hasMessageContaining("sample_weight").hasMessageContaining("(2, 1)");
        LayerCheck.of(L1Loss.builder().weight(0.5).build(), pred, label).expectShape(3).run();
    }

    @Test
    void theBatchAxisKeepsThatAxisAndAveragesTheOthers() {
        NDArray p = Random.uniform(-1, 1, 2, 3, 4);
        NDArray l = Random.uniform(-1, 1, 2, 3, 4);
        L1Loss loss = L1Loss.builder().batchAxis(1).build();
        assertThat(loss).hasToString("L1Loss(batch_axis=1, w=None)");
        double[] expected = new double[3];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 4; c++) {
                    expected[b] += Math.abs(l.getDouble(a, b, c) - p.getDouble(a, b, c)) / 8;
                }
            }
        }
        assertThat(loss.forward(p, l)).hasShape(3).isCloseTo(expected, 1e-5, 1e-6);
        LayerCheck.of(loss, p, l).expectShape(3).run();
    }

    @Test
    void huberIsQuadraticWithinRhoAndLinearBeyond() {
        HuberLoss loss = new HuberLoss(0.7);
        assertThat(new HuberLoss().rho()).isEqualTo(1.0);
        assertThat(loss).hasToString("HuberLoss(batch_axis=0, w=None)");
        DoubleBinaryOperator huber = (p, l) -> {
            double d = Math.abs(l - p);
            return d > 0.7 ? d - 0.35 : d * d / 1.4;
        };
        assertThat(loss.forward(pred, label, sampleWeight))
                .isCloseTo(rowMeans(pred, label, sampleWeight, 1, huber), 1e-5, 1e-6);
        assertThatThrownBy(() -> new HuberLoss(0)).hasMessageContaining("rho must be positive");
        LayerCheck.of(loss, pred, label).expectShape(3).run();
    }

    @Test
    void hingeAndSquaredHingePenaliseMarginViolations() {
        NDArray signs = NDArray.of(Shape.of(3, 4), 1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1, 1);
        DoubleBinaryOperator hinge = (p, l) -> Math.max(0, 1.5 - p * l);
        assertThat(new HingeLoss(1.5).forward(pred, signs)).isCloseTo(rowMeans(pred, signs, null, 1, hinge), 1e-5,
                1e-6);
        assertThat(SquaredHingeLoss.builder().margin(1.5).weight(2.0).build().forward(pred, signs))
                .isCloseTo(rowMeans(pred, signs, null, 2, (p, l) -> Math.pow(hinge.applyAsDouble(p, l), 2)), 1e-5,
                        1e-6);
        assertThat(new HingeLoss().margin()).isEqualTo(1.0);
        assertThat(new SquaredHingeLoss()).hasToString("SquaredHingeLoss(batch_axis=0, w=None)");
        LayerCheck.of(new HingeLoss(), pred, signs).expectShape(3).run();
        LayerCheck.of(new SquaredHingeLoss(), pred, signs, sampleWeight).expectShape(3).run();
    }

    @Test
    void logisticTakesSignedOrBinaryLabelsAndRejectsOtherFormats() {
        NDArray signed = NDArray.of(Shape.of(3, 4), 1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1, 1);
        NDArray binary = NDArray.of(Shape.of(3, 4), 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1);
        double[] expected = rowMeans(pred, signed, null, 1, (p, l) -> Math.log1p(Math.exp(-p * l)));
        assertThat(new LogisticLoss().forward(pred, signed)).isCloseTo(expected, 1e-5, 1e-6);
        assertThat(new LogisticLoss("binary").forward(pred, binary)).isCloseTo(expected, 1e-5, 1e-6);
        assertThatThrownBy(() -> new LogisticLoss("ternary"))
                .hasMessageContaining("labelFormat can only be \"signed\" or \"binary\", got \"ternary\"");
        LayerCheck.of(new LogisticLoss(), pred, signed, sampleWeight).expectShape(3).run();
    }

    @Test
    void kullbackLeiblerFromLogProbabilitiesOrFromScores() {
        NDArray target = softmaxRows(Random.uniform(-1, 1, 3, 4));
        NDArray logProb = logSoftmaxRows(pred);
        DoubleBinaryOperator kl = (p, l) -> l * (Math.log(l + 1e-12) - p);
        assertThat(new KLDivLoss().forward(logProb, target)).isCloseTo(rowMeans(logProb, target, null, 1, kl), 1e-5,
                1e-6);
        assertThat(new KLDivLoss(false).forward(pred, target, sampleWeight))
                .isCloseTo(rowMeans(logProb, target, sampleWeight, 1, kl), 1e-5, 1e-6);
        assertThatThrownBy(() -> new KLDivLoss().forward(pred, target.reshape(12)))
                .hasMessageContaining("must have the shape of 'pred' (3, 4)");
        LayerCheck.of(KLDivLoss.builder().fromLogits(false).axis(0).build(), pred, target).expectShape(3).run();
    }

    @Test
    void poissonFromLogRatesFromRatesAndWithStirlingsTerm() {
        NDArray rate = Random.uniform(0.2, 3, 3, 4);
        NDArray counts = NDArray.of(Shape.of(3, 4), 0, 1, 2, 5, 3, 0, 1, 4, 7, 2, 0.5f, 1);
        assertThat(new PoissonNLLLoss().forward(pred, counts))
                .isCloseTo(rowMeans(pred, counts, null, 1, (p, t) -> Math.exp(p) - t * p), 1e-5, 1e-6);
        assertThat(PoissonNLLLoss.builder().fromLogits(false).epsilon(1e-3).build().forward(rate, counts))
                .isCloseTo(rowMeans(rate, counts, null, 1, (p, t) -> p - t * Math.log(p + 1e-3)), 1e-5, 1e-6);
        DoubleBinaryOperator full = (p, t) -> Math.exp(p) - t * p
                + (t > 1 ? t * Math.log(t) - t + 0.5 * Math.log(2 * Math.PI * t) : 0);
        PoissonNLLLoss withStirling = PoissonNLLLoss.builder().computeFull(true).build();
        assertThat(withStirling.forward(pred, counts, sampleWeight))
                .isCloseTo(rowMeans(pred, counts, sampleWeight, 1, full), 1e-5, 1e-6);
        NDArray positiveCounts = Random.uniform(0.5, 4, 3, 4);
        LayerCheck.of(withStirling, pred, positiveCounts).expectShape(3).run();
        LayerCheck.of(new PoissonNLLLoss(false), rate, positiveCounts).expectShape(3).run();
    }

    static NDArray softmaxRows(NDArray x) {
        NDArray l = logSoftmaxRows(x);
        double[] v = l.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(v[i]);
        }
        return NDArray.of(x.shape(), x.dtype(), v);
    }

    static NDArray logSoftmaxRows(NDArray x) {
        int rows = x.shape().get(0);
        int cols = x.shape().size() / rows;
        double[] v = x.toDoubleArray();
        double[] out = new double[v.length];
        for (int r = 0; r < rows; r++) {
            double z = 0;
            for (int c = 0; c < cols; c++) {
                z += Math.exp(v[r * cols + c]);
            }
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = v[r * cols + c] - Math.log(z);
            }
        }
        return NDArray.of(x.shape(), x.dtype(), out);
    }
}
