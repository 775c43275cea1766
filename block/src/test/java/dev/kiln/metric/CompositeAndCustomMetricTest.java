package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.metric.MetricArrays.mat;
import static dev.kiln.metric.MetricArrays.row;
import static dev.kiln.metric.MetricArrays.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CompositeAndCustomMetricTest {
    private static final NDArray SCORES = mat(row(0.3, 0.7), row(0, 1), row(0.4, 0.6));
    private static final NDArray LABELS = vec(0, 1, 1);

    @Test
    void compositeFeedsEveryChildAndListsTheirValuesInOrder() {
        CompositeEvalMetric c = new CompositeEvalMetric();
        assertThat(c.name()).isEqualTo("composite");
        c.add(new Accuracy()).add("ce");
        CompositeEvalMetric inner = new CompositeEvalMetric(List.of("mcc"));
        c.add(inner);
        c.update(LABELS, SCORES);
        assertThat(c.getNameValue()).extracting(MetricValue::name).containsExactly("accuracy", "cross-entropy", "mcc");
        assertThat(c.getNameValue().get(0).value()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(c.getMetric(1)).isInstanceOf(CrossEntropy.class);
        assertThat(c.getMetric(2)).isSameAs(inner);
        assertThat(c.metrics()).hasSize(3);
    }

    @Test
    void compositeResetsReachEveryChild() {
        CompositeEvalMetric c = EvalMetric.create(List.of("acc", "mae"));
        c.update(LABELS, mat(row(0.3, 0.7), row(0.2, 0.8), row(0.9, 0.1)));
        c.resetLocal();
        c.update(vec(0), mat(row(0.9, 0.1)));
        assertThat(c.getNameValue()).extracting(MetricValue::value).first().isEqualTo(1.0);
        assertThat(c.getGlobalNameValue().get(0).value()).isCloseTo(2.0 / 4, within(1e-12));
        c.reset();
        assertThat(c.getGlobalNameValue()).allSatisfy(v -> assertThat(v.value()).isNaN());
    }

    @Test
    void compositeRefusesASingleValueAndBadIndices() {
        CompositeEvalMetric c = EvalMetric.create(List.of("acc"));
        assertThatThrownBy(c::get).isInstanceOf(KilnException.class).hasMessageContaining("getNameValue()");
        assertThatThrownBy(c::getGlobal).hasMessageContaining("getGlobalNameValue()");
        assertThatThrownBy(() -> c.getMetric(1)).hasMessageContaining("index 1 is out of range 0 and 1");
        assertThatThrownBy(() -> c.add(42)).hasMessageContaining("EvalMetric or a registered name");
    }

    @Test
    void updateDictPicksArraysByName() {
        Accuracy acc = new Accuracy(1, "accuracy", List.of("prob"), List.of("label"));
        Map<String, NDArray> labels = new LinkedHashMap<>();
        labels.put("other", vec(1, 1, 1));
        labels.put("label", LABELS);
        Map<String, NDArray> preds = new LinkedHashMap<>();
        preds.put("prob", SCORES);
        preds.put("state", mat(row(1, 0)));
        acc.updateDict(labels, preds);
        assertThat(acc.get().value()).isCloseTo(2.0 / 3, within(1e-12));
        assertThatThrownBy(() -> acc.updateDict(Map.of("lbl", LABELS), preds))
                .hasMessageContaining("no label named 'label'");

        CompositeEvalMetric c = new CompositeEvalMetric("composite", List.of("prob"), List.of("label"));
        c.add(new MAE("mae", null, null));
        // the composite keeps only 'label' and 'prob'; MAE then takes all it is given:
        // |[[0], [1], [1]] - scores| = .3, .7, 1, 0, .6, .4
        c.updateDict(labels, preds);
        assertThat(c.getNameValue().get(0).value()).isCloseTo(3.0 / 6, within(1e-12));
    }

    @Test
    void lossMetricAveragesEveryLossValue() {
        LossMetric loss = new LossMetric();
        assertThat(loss.name()).isEqualTo("loss");
        loss.update(null, vec(1, 2, 3));
        loss.update(List.of(), List.of(vec(4), mat(row(5, 6))));
        assertThat(loss.get().value()).isCloseTo(21.0 / 6, within(1e-12));
    }

    @Test
    void customMetricAveragesItsFunctionOrAddsItsSums() {
        CustomMetric first = new CustomMetric((label, pred) -> label.toDoubleArray()[0] + pred.toDoubleArray()[0],
                "first-sum");
        first.update(vec(1, 9), vec(2, 9));
        first.update(vec(5), vec(0));
        assertThat(first.get()).isEqualTo(new MetricValue("first-sum", (3 + 5) / 2.0));

        CustomMetric hits = new CustomMetric(
                (label, pred) -> new CustomMetric.Sum(label.toDoubleArray()[0] == 1 ? 1 : 0, label.size()),
                "hits", true, null, null);
        hits.update(List.of(vec(1, 0, 0)), List.of(vec(0, 0, 0), vec(7)));
        hits.resetLocal();
        hits.update(List.of(vec(0)), List.of(vec(0)));
        assertThat(hits.get().value()).isEqualTo(0.0);
        assertThat(hits.getGlobal().value()).isCloseTo(1.0 / 4, within(1e-12));
        assertThatThrownBy(() -> first.update(List.of(vec(1)), List.of(vec(1), vec(2))))
                .hasMessageContaining("shape of labels 1");
    }
}
