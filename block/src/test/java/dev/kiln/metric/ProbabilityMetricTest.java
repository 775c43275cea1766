package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;

import static dev.kiln.metric.MetricArrays.mat;
import static dev.kiln.metric.MetricArrays.row;
import static dev.kiln.metric.MetricArrays.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** MXNet's documented values (0.5715994835, 1.7710976285) were computed in float32, hence their 1e-7 tolerance. */
class ProbabilityMetricTest {
    /** Probabilities of labels [0, 1, 1]: 0.3, 1.0, 0.6. */
    private static final NDArray PROBS = mat(row(0.3, 0.7), row(0, 1), row(0.4, 0.6));
    private static final NDArray LABELS = vec(0, 1, 1);

    @Test
    void crossEntropyAveragesTheNegativeLogProbabilityOfEachLabel() {
        CrossEntropy ce = new CrossEntropy();
        assertThat(ce.name()).isEqualTo("cross-entropy");
        ce.update(LABELS, PROBS);
        double first = -(Math.log(0.3 + 1e-12) + Math.log(1 + 1e-12) + Math.log(0.6 + 1e-12));
        assertThat(ce.get().value()).isCloseTo(first / 3, within(1e-12)).isCloseTo(0.57159948348999023, within(1e-7));
        ce.resetLocal();
        // a negative label counts from the last class, as numpy indexing does
        ce.update(vec(-1), mat(row(0.2, 0.8)));
        assertThat(ce.get().value()).isCloseTo(-Math.log(0.8 + 1e-12), within(1e-12));
        assertThat(ce.getGlobal().value()).isCloseTo((first - Math.log(0.8 + 1e-12)) / 4, within(1e-12));
    }

    @Test
    void crossEntropyAddsEpsBeforeTheLog() {
        CrossEntropy ce = new CrossEntropy(0.5);
        ce.update(vec(0), mat(row(0, 1)));
        assertThat(ce.get().value()).isCloseTo(-Math.log(0.5), within(1e-12));
        assertThat(ce.eps()).isEqualTo(0.5);
    }

    @Test
    void negativeLogLikelihoodIsCrossEntropyUnderItsOwnName() {
        NegativeLogLikelihood nll = new NegativeLogLikelihood();
        assertThat(nll.name()).isEqualTo("nll-loss");
        nll.update(LABELS, PROBS);
        assertThat(nll.get().value()).isCloseTo(-(Math.log(0.3) + Math.log(0.6)) / 3, within(1e-9));
    }

    @Test
    void crossEntropyReportsLabelsOutOfRangeAndBatchMismatches() {
        assertThatThrownBy(() -> new CrossEntropy().update(vec(2), mat(row(0.5, 0.5))))
                .isInstanceOf(KilnException.class).hasMessageContaining("label 2 of sample 0")
                .hasMessageContaining("(1, 2)");
        assertThatThrownBy(() -> new CrossEntropy().update(vec(0, 1), PROBS))
                .hasMessageContaining("shape of labels 2").hasMessageContaining("predictions 3");
    }

    @Test
    void perplexityIsTheExponentialOfTheMeanNegativeLogProbability() {
        Perplexity perp = new Perplexity(null);
        assertThat(perp.name()).isEqualTo("perplexity");
        assertThat(perp.get().value()).isNaN();
        perp.update(LABELS, PROBS);
        assertThat(perp.get().value()).isCloseTo(Math.exp(-(Math.log(0.3) + Math.log(0.6)) / 3), within(1e-12))
                .isCloseTo(1.7710976285155853, within(1e-7));
        perp.update(vec(0), mat(row(0.5, 0.5)));
        double all = Math.exp(-(Math.log(0.3) + Math.log(0.6) + Math.log(0.5)) / 4);
        assertThat(perp.get().value()).isCloseTo(all, within(1e-12));
        perp.resetLocal();
        perp.update(vec(1), mat(row(0.75, 0.25)));
        assertThat(perp.get().value()).isCloseTo(4.0, within(1e-12));
        assertThat(perp.getGlobal().value())
                .isCloseTo(Math.exp(-(Math.log(0.3) + Math.log(0.6) + Math.log(0.5) + Math.log(0.25)) / 5),
                        within(1e-12));
    }

    @Test
    void perplexityLeavesIgnoredLabelsOutAndFloorsProbabilities() {
        Perplexity perp = new Perplexity(-1);
        perp.update(vec(0, 1, -1), PROBS);
        assertThat(perp.get().value()).isCloseTo(1 / Math.sqrt(0.3), within(1e-12));
        Perplexity floored = new Perplexity(null);
        floored.update(vec(0), mat(row(0, 1)));
        assertThat(floored.get().value()).isCloseTo(1e10, within(1e-2));
    }

    @Test
    void perplexityPicksAlongTheGivenAxisAndClipsLabels() {
        Perplexity perp = new Perplexity(null, 0, "perplexity", null, null);
        // column j is the distribution of position j: labels [1, 0] pick 0.8 and 0.6
        perp.update(vec(1, 0), mat(row(0.2, 0.6), row(0.8, 0.4)));
        assertThat(perp.get().value()).isCloseTo(1 / Math.sqrt(0.48), within(1e-12));
        Perplexity clipped = new Perplexity(null);
        // label 5 clips to the last class, as MXNet's pick does
        clipped.update(vec(5), mat(row(0.75, 0.25)));
        assertThat(clipped.get().value()).isCloseTo(4.0, within(1e-12));
    }

    @Test
    void perplexityNeedsOneLabelPerPredictionRow() {
        assertThatThrownBy(() -> new Perplexity(null).update(vec(0, 1, 1, 0), PROBS))
                .isInstanceOf(KilnException.class).hasMessageContaining("'perplexity'")
                .hasMessageContaining("(4,)").hasMessageContaining("(3, 2)");
    }
}
