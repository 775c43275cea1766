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

class MetricRegistryTest {
    private static final NDArray SCORES = mat(row(0.3, 0.7), row(0, 1), row(0.4, 0.6));
    private static final NDArray LABELS = vec(0, 1, 1);

    @Test
    void createKnowsMXNetClassNamesAndAliasesCaseInsensitively() {
        Map<String, Class<?>> expected = new LinkedHashMap<>();
        expected.put("acc", Accuracy.class);
        expected.put("Accuracy", Accuracy.class);
        expected.put("f1", F1.class);
        expected.put("MCC", MCC.class);
        expected.put("mae", MAE.class);
        expected.put("mse", MSE.class);
        expected.put("rmse", RMSE.class);
        expected.put("ce", CrossEntropy.class);
        expected.put("crossentropy", CrossEntropy.class);
        expected.put("nll_loss", NegativeLogLikelihood.class);
        expected.put("perplexity", Perplexity.class);
        expected.put("pearsonr", PearsonCorrelation.class);
        expected.put("pcc", PCC.class);
        expected.put("loss", LossMetric.class);
        expected.put("composite", CompositeEvalMetric.class);
        expected.forEach((name, type) -> assertThat(EvalMetric.create(name)).as(name).isInstanceOf(type));
        assertThat(EvalMetric.create("ce").name()).isEqualTo("cross-entropy");
        assertThat(EvalMetric.create("torch").name()).isEqualTo("torch");
        assertThat(MetricRegistry.names()).contains("top_k_accuracy", "top_k_acc", "topkaccuracy", "caffe");
    }

    @Test
    void createPassesMXNetKeywordArguments() {
        EvalMetric top5 = EvalMetric.create("top_k_accuracy", Map.of("top_k", 5));
        assertThat(top5).isInstanceOf(TopKAccuracy.class);
        assertThat(top5.name()).isEqualTo("top_k_accuracy_5");
        Accuracy acc = (Accuracy) EvalMetric.create("acc", Map.of("axis", 0, "name", "acc0"));
        assertThat(acc.axis()).isZero();
        assertThat(acc.name()).isEqualTo("acc0");
        assertThat(((F1) EvalMetric.create("f1", Map.of("average", "micro"))).average()).isEqualTo(Average.MICRO);
        assertThat(((Perplexity) EvalMetric.create("perplexity", Map.of("ignore_label", -1))).ignoreLabel())
                .isEqualTo(-1);
        assertThat(((CrossEntropy) EvalMetric.create("ce", Map.of("eps", "1e-8"))).eps()).isEqualTo(1e-8);
        assertThat(EvalMetric.create("mse", Map.of("output_names", List.of("out"))).outputNames())
                .containsExactly("out");
    }

    @Test
    void createReportsUnknownNamesOptionsAndBadValues() {
        assertThatThrownBy(() -> EvalMetric.create("accuracyy")).isInstanceOf(KilnException.class)
                .hasMessageContaining("'accuracyy' is not registered").hasMessageContaining("acc");
        assertThatThrownBy(() -> EvalMetric.create("mae", Map.of("axis", 1)))
                .hasMessageContaining("does not take option(s) [axis]");
        assertThatThrownBy(() -> EvalMetric.create("acc", Map.of("axis", "one")))
                .hasMessageContaining("'axis' must be a number");
        assertThatThrownBy(() -> EvalMetric.create("top_k_accuracy")).hasMessageContaining("top_k > 1");
    }

    @Test
    void userMetricsCanBeRegistered() {
        MetricRegistry.register(o -> new MAE(o.string("name", "l1"), null, null), "L1Error");
        assertThat(EvalMetric.create("l1error").name()).isEqualTo("l1");
    }

    @Test
    void createFromAListBuildsACompositeOfNamesAndInstances() {
        CompositeEvalMetric both = EvalMetric.create(List.of("acc", new F1()));
        both.update(LABELS, SCORES);
        assertThat(both.getNameValue()).hasSize(2);
        assertThat(both.getNameValue().get(0)).isEqualTo(new MetricValue("accuracy", 2.0 / 3));
        assertThat(both.getNameValue().get(1).name()).isEqualTo("f1");
        assertThat(both.getNameValue().get(1).value()).isCloseTo(0.8, within(1e-12));
        assertThat(both.toString()).startsWith("EvalMetric: {'accuracy': 0.66666").contains("'f1': ");
    }
}
