package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.kiln.metric.MetricArrays.mat;
import static dev.kiln.metric.MetricArrays.row;
import static dev.kiln.metric.MetricArrays.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClassificationMetricTest {
    /** Scores whose argmax is class 1, 1, 1. */
    private static final NDArray SCORES = mat(row(0.3, 0.7), row(0, 1), row(0.4, 0.6));

    @Test
    void accuracyTakesTheArgmaxOfScoresAndCountsMatches() {
        Accuracy acc = new Accuracy();
        assertThat(acc.name()).isEqualTo("accuracy");
        assertThat(acc.get().value()).isNaN();
        acc.update(vec(0, 1, 1), SCORES);
        assertThat(acc.get()).isEqualTo(new MetricValue("accuracy", 2.0 / 3));
        // second batch: argmax [0, 1], labels [0, 0] -> 1 of 2
        acc.update(vec(0, 0), mat(row(0.9, 0.1), row(0.2, 0.8)));
        assertThat(acc.get().value()).isCloseTo(3.0 / 5, within(1e-12));
        assertThat(acc.getNameValue()).containsExactly(new MetricValue("accuracy", 3.0 / 5));
    }

    @Test
    void resetLocalKeepsTheGlobalSumsAndResetClearsBoth() {
        Accuracy acc = new Accuracy();
        acc.update(vec(0, 1, 1), SCORES);
        acc.resetLocal();
        assertThat(acc.get().value()).isNaN();
        assertThat(acc.getGlobal().value()).isCloseTo(2.0 / 3, within(1e-12));
        acc.update(vec(1), mat(row(0.2, 0.8)));
        assertThat(acc.get().value()).isEqualTo(1.0);
        assertThat(acc.getGlobal().value()).isCloseTo(3.0 / 4, within(1e-12));
        assertThat(acc.getGlobalNameValue()).containsExactly(new MetricValue("accuracy", 0.75));
        acc.reset();
        assertThat(acc.get().value()).isNaN();
        assertThat(acc.getGlobal().value()).isNaN();
    }

    @Test
    void accuracyTruncatesClassIndicesWhenPredictionAndLabelShapesAgree() {
        Accuracy acc = new Accuracy();
        acc.update(vec(1, 2, 3), vec(1.9, 2.0, 0.5));
        assertThat(acc.get().value()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void accuracyReducesAlongTheGivenAxis() {
        Accuracy acc = new Accuracy(0);
        // argmax over axis 0: [1, 0, 0] against [1, 0, 1]
        acc.update(vec(1, 0, 1), mat(row(0.1, 0.9, 0.5), row(0.9, 0.1, 0.4)));
        assertThat(acc.get().value()).isCloseTo(2.0 / 3, within(1e-12));

        Accuracy seq = new Accuracy(1);
        // (batch 1, classes 2, steps 3): argmax over the classes per step is [1, 0, 1]
        NDArray pred = NDArray.of(Shape.of(1, 2, 3), 0.1f, 0.8f, 0.3f, 0.9f, 0.2f, 0.7f);
        seq.update(NDArray.of(Shape.of(1, 3), 1, 0, 0), pred);
        assertThat(seq.get().value()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void accuracyNamesBothShapesWhenCountsDiffer() {
        Accuracy acc = new Accuracy();
        assertThatThrownBy(() -> acc.update(vec(0, 1, 1, 0), SCORES)).isInstanceOf(KilnException.class)
                .hasMessageContaining("'accuracy'").hasMessageContaining("shape of labels 4")
                .hasMessageContaining("predictions 3").hasMessageContaining("(4,)").hasMessageContaining("(3, 2)");
        assertThatThrownBy(() -> acc.update(List.of(vec(0, 1, 1)), List.of(SCORES, SCORES)))
                .isInstanceOf(KilnException.class).hasMessageContaining("shape of labels 1")
                .hasMessageContaining("predictions 2");
        assertThatThrownBy(() -> new Accuracy(3).update(vec(0, 1, 1), SCORES))
                .hasMessageContaining("class axis 3 is out of range");
    }

    @Test
    void listUpdatesPairLabelsWithPredictionsInOrder() {
        Accuracy acc = new Accuracy();
        acc.update(List.of(vec(0, 1, 1), vec(0)), List.of(SCORES, mat(row(0.7, 0.3))));
        assertThat(acc.get().value()).isCloseTo(3.0 / 4, within(1e-12));
    }

    @Test
    void topKAccuracyCountsLabelsAmongTheKBestClasses() {
        TopKAccuracy top2 = new TopKAccuracy(2);
        assertThat(top2.name()).isEqualTo("top_k_accuracy_2");
        NDArray pred = mat(row(0.1, 0.2, 0.3, 0.4), row(0.4, 0.3, 0.2, 0.1), row(0.25, 0.5, 0.15, 0.1));
        // best two: {3, 2} holds 2; {0, 1} misses 3; {1, 0} holds 0
        top2.update(vec(2, 3, 0), pred);
        assertThat(top2.get().value()).isCloseTo(2.0 / 3, within(1e-12));
        top2.resetLocal();
        top2.update(vec(3), mat(row(0.5, 0.4, 0.3, 0.2)));
        assertThat(top2.get().value()).isEqualTo(0.0);
        assertThat(top2.getGlobal().value()).isCloseTo(2.0 / 4, within(1e-12));

        TopKAccuracy top5 = new TopKAccuracy(5);
        assertThat(top5.name()).isEqualTo("top_k_accuracy_5");
        top5.update(vec(2, 3, 0), pred);
        assertThat(top5.get().value()).isEqualTo(1.0);
    }

    @Test
    void topKAccuracyRefusesTopOneAndPredictionsThatAreNotBatchByClass() {
        assertThatThrownBy(() -> new TopKAccuracy(1)).isInstanceOf(KilnException.class)
                .hasMessageContaining("top_k > 1");
        TopKAccuracy top2 = new TopKAccuracy(2);
        assertThatThrownBy(() -> top2.update(vec(0, 1), NDArray.zeros(2, 2, 2)))
                .hasMessageContaining("(batch, classes)").hasMessageContaining("(2, 2, 2)");
        assertThatThrownBy(() -> top2.update(vec(0, 1, 2), mat(row(1, 2), row(3, 4))))
                .hasMessageContaining("shape of labels 3").hasMessageContaining("predictions 2");
    }
}
