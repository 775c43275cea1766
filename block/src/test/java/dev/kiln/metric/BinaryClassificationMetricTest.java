package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.metric.MetricArrays.mat;
import static dev.kiln.metric.MetricArrays.row;
import static dev.kiln.metric.MetricArrays.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BinaryClassificationMetricTest {
    /** Predicted [1, 1, 1] for labels [0, 1, 1]: tp 2, fp 1, fn 0, tn 0; F1 0.8, MCC 0. */
    private static final NDArray LABEL_1 = vec(0, 1, 1);
    private static final NDArray PRED_1 = mat(row(0.3, 0.7), row(0, 1), row(0.4, 0.6));
    /** Predicted [1, 0, 0, 1, 1] for labels [1, 1, 0, 0, 1]: tp 2, fp 1, fn 1, tn 1; F1 2/3, MCC 1/6. */
    private static final NDArray LABEL_2 = vec(1, 1, 0, 0, 1);
    private static final NDArray PRED_2 = mat(row(0.2, 0.8), row(0.6, 0.4), row(0.9, 0.1), row(0.3, 0.7),
            row(0.1, 0.9));

    @Test
    void macroF1AveragesTheBatchScores() {
        F1 f1 = new F1();
        assertThat(f1.name()).isEqualTo("f1");
        assertThat(f1.average()).isEqualTo(Average.MACRO);
        assertThat(f1.get().value()).isNaN();
        f1.update(LABEL_1, PRED_1);
        assertThat(f1.get().value()).isCloseTo(0.8, within(1e-12));
        f1.update(LABEL_2, PRED_2);
        assertThat(f1.get().value()).isCloseTo((0.8 + 2.0 / 3) / 2, within(1e-12));
        assertThat(f1.getGlobal().value()).isCloseTo((0.8 + 2.0 / 3) / 2, within(1e-12));
    }

    @Test
    void microF1PoolsTheCountsOfAllBatches() {
        F1 f1 = new F1(Average.MICRO);
        f1.update(LABEL_1, PRED_1);
        f1.update(LABEL_2, PRED_2);
        // tp 4, fp 2, fn 1: precision 2/3, recall 4/5
        double p = 2.0 / 3;
        double r = 4.0 / 5;
        assertThat(f1.get().value()).isCloseTo(2 * p * r / (p + r), within(1e-12));
    }

    @Test
    void resetLocalRestartsTheLocalCountsOnly() {
        F1 micro = new F1(Average.MICRO);
        F1 macro = new F1(Average.MACRO);
        for (F1 f1 : List.of(micro, macro)) {
            f1.update(LABEL_1, PRED_1);
            f1.resetLocal();
            assertThat(f1.get().value()).isNaN();
            f1.update(LABEL_2, PRED_2);
            assertThat(f1.get().value()).isCloseTo(2.0 / 3, within(1e-12));
        }
        assertThat(micro.getGlobal().value()).isCloseTo(16.0 / 22, within(1e-12));
        assertThat(macro.getGlobal().value()).isCloseTo((0.8 + 2.0 / 3) / 2, within(1e-12));
        micro.reset();
        assertThat(micro.getGlobal().value()).isNaN();
        micro.update(LABEL_2, PRED_2);
        assertThat(micro.getGlobal().value()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void mccAveragesOrPoolsLikeF1() {
        MCC macro = new MCC();
        assertThat(macro.name()).isEqualTo("mcc");
        macro.update(LABEL_1, PRED_1);
        assertThat(macro.get().value()).isEqualTo(0.0);
        macro.update(LABEL_2, PRED_2);
        assertThat(macro.get().value()).isCloseTo((0 + 1.0 / 6) / 2, within(1e-12));

        MCC micro = new MCC(Average.MICRO);
        micro.update(LABEL_1, PRED_1);
        micro.update(LABEL_2, PRED_2);
        // tp 4, fp 2, fn 1, tn 1
        assertThat(micro.get().value()).isCloseTo((4 * 1 - 2 * 1) / Math.sqrt(6 * 5 * 3 * 2), within(1e-12));
    }

    @Test
    void mccTreatsZeroFactorsOfTheDenominatorAsOne() {
        MCC mcc = new MCC();
        // predicted [1, 1] for labels [1, 1]: tp 2 only; (2*0 - 0) / sqrt(2*2) = 0
        mcc.update(vec(1, 1), mat(row(0, 1), row(0, 1)));
        assertThat(mcc.get().value()).isEqualTo(0.0);
    }

    @Test
    void skewedClassifierScoresHighF1ButLowMcc() {
        // 1000 false positives, 1 true negative, 1 false negative, 10000 true positives (MXNet's MCC example)
        List<double[]> scores = new ArrayList<>();
        List<Double> labels = new ArrayList<>();
        addSamples(scores, labels, 1000, row(0.3, 0.7), 0);
        addSamples(scores, labels, 1, row(0.7, 0.3), 0);
        addSamples(scores, labels, 1, row(0.7, 0.3), 1);
        addSamples(scores, labels, 10000, row(0.3, 0.7), 1);
        NDArray pred = mat(scores.toArray(new double[0][]));
        NDArray label = vec(labels.stream().mapToDouble(Double::doubleValue).toArray());
        F1 f1 = new F1();
        MCC mcc = new MCC();
        f1.update(label, pred);
        mcc.update(label, pred);
        double precision = 10000.0 / 11000;
        double recall = 10000.0 / 10001;
        assertThat(f1.get().value()).isCloseTo(2 * precision * recall / (precision + recall), within(1e-12))
                .isCloseTo(0.95233560306652054, within(1e-12));
        assertThat(mcc.get().value())
                .isCloseTo((10000.0 * 1 - 1000.0 * 1) / Math.sqrt(11000.0 * 10001 * 1001 * 2), within(1e-12))
                .isCloseTo(0.01917751877733392, within(1e-12));
    }

    private static void addSamples(List<double[]> scores, List<Double> labels, int n, double[] score, double label) {
        for (int i = 0; i < n; i++) {
            scores.add(score);
            labels.add(label);
        }
    }

    @Test
    void binaryMetricsRefuseMoreThanTwoLabelValuesAndMismatchedBatches() {
        assertThatThrownBy(() -> new F1().update(vec(0, 1, 2), PRED_1)).isInstanceOf(KilnException.class)
                .hasMessageContaining("binary classification only").hasMessageContaining("3 distinct");
        assertThatThrownBy(() -> new MCC().update(vec(0, 1), PRED_1)).isInstanceOf(KilnException.class)
                .hasMessageContaining("shape of labels 2").hasMessageContaining("predictions 3")
                .hasMessageContaining("(2,)").hasMessageContaining("(3, 2)");
        assertThatThrownBy(() -> new F1().update(vec(0, 1), vec(0, 1)))
                .hasMessageContaining("(batch, classes)");
        assertThatThrownBy(() -> Average.parse("weighted")).hasMessageContaining("'macro' or 'micro'");
    }
}
