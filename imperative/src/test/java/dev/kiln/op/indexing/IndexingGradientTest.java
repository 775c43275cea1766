package dev.kiln.op.indexing;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import static dev.kiln.op.Ops.attrs;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Indexing gradients in float32 with exact expected values, and the conventions central differences cannot see:
 * bounds of clip, gradients that inputs do not get, scatter_nd's repeated tuples.
 */
class IndexingGradientTest {

    private static NDArray grad(String op, java.util.Map<String, Object> attrs, NDArray head, int wrt,
                                NDArray... inputs) {
        inputs[wrt].attachGrad();
        NDArray out;
        try (var rec = Autograd.record()) {
            out = Ops.call(op, attrs, inputs);
        }
        out.backward(head);
        return inputs[wrt].grad();
    }

    @Test
    void embeddingAccumulatesRepeatedAndClippedRowsInFloat32() {
        NDArray data = NDArray.of(Shape.of(4), 1f, 1f, 5f, -2f);
        NDArray weight = NDArray.zeros(3, 2);
        NDArray head = NDArray.of(Shape.of(4, 2), 1f, 2f, 10f, 20f, 100f, 200f, 1000f, 2000f);
        NDArray g = grad("Embedding", attrs("input_dim", 3, "output_dim", 2), head, 1, data, weight);
        assertThat(g).hasDType(DType.FLOAT32).hasShape(3, 2).isCloseTo(new double[] {1000, 2000, 11, 22, 100, 200},
                0, 0);
    }

    @Test
    void takeGradientResolvesIndicesAsTheForwardDoes() {
        NDArray idx = NDArray.from(new int[] {-1, 4, 1});
        NDArray head = NDArray.of(Shape.of(2, 3), 1f, 2f, 3f, 4f, 5f, 6f);
        assertThat(grad("take", attrs("axis", 1), head, 0, NDArray.zeros(2, 3), idx))
                .isCloseTo(new double[] {1, 3, 2, 4, 6, 5}, 0, 0);
        assertThat(grad("take", attrs("axis", 1, "mode", "wrap"), head, 0, NDArray.zeros(2, 3), idx))
                .isCloseTo(new double[] {0, 5, 1, 0, 11, 4}, 0, 0);
    }

    @Test
    void clipPassesTheGradientAtTheBoundsAndThroughNaN() {
        NDArray x = NDArray.of(Shape.of(5), -1f, -0.5f, 0.25f, 0.7f, Float.NaN);
        NDArray head = NDArray.of(Shape.of(5), 1f, 2f, 3f, 4f, 5f);
        assertThat(grad("clip", attrs("a_min", -0.5, "a_max", 0.7), head, 0, x))
                .isCloseTo(new double[] {0, 2, 3, 4, 5}, 0, 0);
        NDArray x64 = NDArray.of(Shape.of(3), DType.FLOAT64, 0.7, (float) 0.7, 0.8);
        NDArray head64 = NDArray.of(Shape.of(3), DType.FLOAT64, 1, 2, 3);
        assertThat(grad("clip", attrs("a_min", 0, "a_max", 0.7), head64, 0, x64))
                .isCloseTo(new double[] {0, 2, 0}, 0, 0); // the bound is float32 0.7, a little below the double
    }

    @Test
    void conditionAndIndicesGetNoGradient() {
        NDArray cond = NDArray.of(Shape.of(3), 1f, 0f, 2f);
        NDArray head = NDArray.of(Shape.of(3), 1f, 2f, 3f);
        NDArray y = NDArray.zeros(3);
        assertThat(grad("where", attrs(), head, 0, cond, NDArray.zeros(3), y)).isCloseTo(new double[] {0, 0, 0}, 0,
                0);
        assertThat(grad("where", attrs(), head, 2, cond, NDArray.zeros(3), NDArray.zeros(3)))
                .isCloseTo(new double[] {0, 2, 0}, 0, 0);
        NDArray idx = NDArray.of(Shape.of(2), 0f, 1f);
        assertThat(grad("take", attrs(), NDArray.of(Shape.of(2), 1f, 1f), 1, NDArray.zeros(3), idx))
                .isCloseTo(new double[] {0, 0}, 0, 0);
    }

    @Test
    void scatterNdGivesEveryRepeatedTupleTheGradientAsMXNet() {
        NDArray idx = NDArray.from(new int[][] {{1, 1, 0}});
        NDArray head = NDArray.of(Shape.of(3), 5f, 7f, 9f);
        assertThat(grad("scatter_nd", attrs("shape", new int[] {3}), head, 0, NDArray.zeros(3), idx))
                .isCloseTo(new double[] {7, 7, 5}, 0, 0);
    }

    @Test
    void sequenceLastGradientLandsOnEachLastStep() {
        NDArray data = NDArray.zeros(3, 2);
        NDArray len = NDArray.from(new int[] {2, 3});
        NDArray head = NDArray.of(Shape.of(2), 4f, 6f);
        assertThat(grad("SequenceLast", attrs("use_sequence_length", true), head, 0, data, len))
                .isCloseTo(new double[] {0, 0, 4, 0, 0, 6}, 0, 0);
    }

    @Test
    void backwardOpsCheckTheOutputGradientShape() {
        assertThatThrownBy(() -> Ops.call("_backward_take", attrs("axis", 1), NDArray.zeros(2, 2),
                NDArray.from(new int[] {0, 1, 2}), NDArray.zeros(2, 3))).isInstanceOf(KilnException.class)
                .hasMessageContaining("_backward_take").hasMessageContaining("'ograd'")
                .hasMessageContaining("(2, 3)");
    }
}
