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

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The losses on pairs and triplets of embeddings: triplet, cosine embedding and SDML. */
@ExtendWith(FreshNames.class)
class MetricLossesTest {
    private NDArray a;
    private NDArray b;
    private NDArray c;

    @BeforeEach
    void inputs() {
        Random.seed(17);
        a = Random.uniform(-1, 1, 3, 4);
        b = Random.uniform(-1, 1, 3, 4);
        c = Random.uniform(-1, 1, 3, 4);
    }

    private static double dot(NDArray x, int i, NDArray y, int j) {
        double s = 0;
        for (int k = 0; k < x.shape().get(1); k++) {
            s += x.getDouble(i, k) * y.getDouble(j, k);
        }
        return s;
    }

    private static double squaredDistance(NDArray x, int i, NDArray y, int j) {
        return dot(x, i, x, i) - 2 * dot(x, i, y, j) + dot(y, j, y, j);
    }

    @Test
    void tripletComparesSquaredDistancesToThePositiveAndTheNegative() {
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            expected[i] = Math.max(squaredDistance(a, i, b, i) - squaredDistance(a, i, c, i) + 0.5, 0);
        }
        TripletLoss loss = new TripletLoss(0.5);
        assertThat(new TripletLoss().margin()).isEqualTo(1.0);
        assertThat(loss).hasToString("TripletLoss(batch_axis=0, w=None)");
        assertThat(loss.forward(a, b, c)).hasShape(3).isCloseTo(expected, 1e-5, 1e-6);
        NDArray sw = NDArray.of(Shape.of(3), 1, 2, 3);
        assertThat(TripletLoss.builder().margin(0.5).weight(2.0).build().forward(a, b.reshape(12), c, sw))
                .isCloseTo(new double[] {2 * expected[0], 4 * expected[1], 6 * expected[2]}, 1e-5, 1e-6);
        assertThatThrownBy(() -> loss.forward(a, b, Random.uniform(0, 1, 3, 3)))
                .hasMessageContaining("'negative' of shape (3, 3)");
        LayerCheck.of(loss, a, b, c).expectShape(3).run();
    }

    @Test
    void cosineEmbeddingPullsSimilarPairsAndPushesDissimilarOnesBeyondTheMargin() {
        NDArray label = NDArray.of(Shape.of(3), 1, -1, -1);
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            double cos = dot(a, i, b, i) / Math.sqrt(dot(a, i, a, i) * dot(b, i, b, i));
            expected[i] = label.getDouble(i) == 1 ? 1 - cos : Math.min(Math.max(cos - 0.1, 0), 0.9);
        }
        CosineEmbeddingLoss loss = new CosineEmbeddingLoss(0.1);
        assertThat(new CosineEmbeddingLoss().margin()).isZero();
        assertThat(loss).hasToString("CosineEmbeddingLoss(batch_axis=0, w=None)");
        assertThat(loss.forward(a, b, label)).hasShape(3).isCloseTo(expected, 1e-5, 1e-6);
        NDArray sw = NDArray.of(Shape.of(3, 1), 2, 1, 3);
        assertThat(loss.forward(a, b, label, sw))
                .isCloseTo(new double[] {2 * expected[0], expected[1], 3 * expected[2]}, 1e-5, 1e-6);
        assertThatThrownBy(() -> loss.forward(a, b, NDArray.of(Shape.of(2), 1, 1)))
                .hasMessageContaining("one value per row");
        // integer labels: finite differences move only the embeddings
        LayerCheck.of(loss, a, b, label.astype(DType.INT32)).expectShape(3).run();
    }

    @Test
    void sdmlIsTheKlDivergenceOfTheDistanceSoftmaxFromTheSmoothedIdentity() {
        double s = 0.3;
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            double z = 0;
            for (int j = 0; j < 3; j++) {
                z += Math.exp(-squaredDistance(a, i, b, j));
            }
            for (int j = 0; j < 3; j++) {
                double logp = -squaredDistance(a, i, b, j) - Math.log(z);
                double target = i == j ? 1 - s : s / 2;
                expected[i] += target * (Math.log(target + 1e-12) - logp) / 3;
            }
        }
        SDMLLoss loss = new SDMLLoss();
        assertThat(loss).hasToString("SDMLLoss(batch_axis=0, w=1.0)");
        assertThat(loss.children()).containsKey("kl_loss");
        assertThat(loss.forward(a, b)).hasShape(3).isCloseTo(expected, 1e-5, 1e-6);
        assertThat(SDMLLoss.builder().weight(2.0).build().forward(a, b))
                .isCloseTo(new double[] {2 * expected[0], 2 * expected[1], 2 * expected[2]}, 1e-5, 1e-6);
        assertThatThrownBy(() -> loss.forward(a.reshape(1, 12), b.reshape(1, 12)))
                .hasMessageContaining("batch at least 2");
        assertThatThrownBy(() -> new SDMLLoss(1.0)).hasMessageContaining("smoothingParameter");
        LayerCheck.of(new SDMLLoss(0.2), a, b).expectShape(3).run();
    }
}
