package dev.kiln.op.indexing;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import static dev.kiln.op.Ops.attrs;
import static dev.kiln.op.indexing.TakePickTest.arange;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gather_nd, scatter_nd, one_hot and Embedding; expected values computed offline with NumPy 2.4. */
class GatherScatterTest {

    @Test
    void gatherNdAddressesLeadingAxesAndAcceptsNegativeIndices() {
        NDArray idx = NDArray.from(new int[][] {{1, 0, -1}, {2, 0, -3}});
        assertThat(Ops.call("gather_nd", arange(2, 3, 4), idx)).hasShape(3, 4)
                .isCloseTo(new double[] {20, 21, 22, 23, 0, 1, 2, 3, 12, 13, 14, 15}, 0, 0);
        NDArray rows = NDArray.from(new int[][] {{1, 0}});
        assertThat(Ops.call("gather_nd", arange(2, 3, 4), rows)).hasShape(2, 3, 4).isCloseTo(new double[] {12, 13, 14,
                15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0, 0);
    }

    @Test
    void gatherNdOutOfBoundsIsAnError() {
        NDArray idx = NDArray.from(new int[][] {{1, 2}, {0, 3}});
        assertThatThrownBy(() -> Ops.call("gather_nd", arange(2, 3, 4), idx)).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'gather_nd'").hasMessageContaining("index 2")
                .hasMessageContaining("axis 0").hasMessageContaining("(2, 3, 4)");
        assertThatThrownBy(() -> Ops.call("gather_nd", arange(2, 3), NDArray.from(new int[] {0})))
                .isInstanceOf(KilnException.class).hasMessageContaining("rank >= 2");
        assertThatThrownBy(() -> Ops.call("gather_nd", arange(2), NDArray.from(new int[][] {{0}, {0}})))
                .isInstanceOf(KilnException.class).hasMessageContaining("addresses 2 axes");
    }

    @Test
    void scatterNdWritesSlicesIntoZeros() {
        NDArray data = NDArray.from(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        NDArray idx = NDArray.from(new int[][] {{0, 2, 1}});
        assertThat(Ops.call("scatter_nd", attrs("shape", "(4, 2)"), data, idx)).hasShape(4, 2)
                .isCloseTo(new double[] {1, 2, 5, 6, 3, 4, 0, 0}, 0, 0);
    }

    @Test
    void scatterNdLastDuplicateWinsAndBadIndicesRaise() {
        NDArray data = NDArray.from(new double[] {7, 8});
        NDArray dup = NDArray.from(new int[][] {{1, 1}, {0, 0}});
        assertThat(Ops.call("scatter_nd", attrs("shape", "(2, 2)"), data, dup)).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {0, 0, 8, 0}, 0, 0);
        NDArray bad = NDArray.from(new int[][] {{1, 2}, {0, 0}});
        assertThatThrownBy(() -> Ops.call("scatter_nd", attrs("shape", "(2, 2)"), data, bad))
                .isInstanceOf(KilnException.class).hasMessageContaining("op 'scatter_nd'")
                .hasMessageContaining("index 2").hasMessageContaining("(2, 2)");
        assertThatThrownBy(() -> Ops.call("scatter_nd", attrs("shape", "(2, 2, 2)"), data, dup))
                .isInstanceOf(KilnException.class).hasMessageContaining("'data' has shape (2,)");
        assertThatThrownBy(() -> Ops.call("scatter_nd", data, dup)).isInstanceOf(KilnException.class)
                .hasMessageContaining("'shape'");
    }

    @Test
    void oneHotEncodesAndLeavesOutOfRangeRowsOff() {
        NDArray idx = NDArray.of(Shape.of(2, 2), 0f, 2.9f, -1f, 3f);
        assertThat(Ops.call("one_hot", attrs("depth", 3), idx)).hasShape(2, 2, 3).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, 0, 0);
        assertThat(Ops.call("one_hot", attrs("depth", 2, "on_value", 5, "off_value", -1.5, "dtype", "int32"),
                NDArray.from(new int[] {1}))).hasDType(DType.INT32).isCloseTo(new double[] {-1, 5}, 0, 0);
        assertThatThrownBy(() -> Ops.call("one_hot", idx)).isInstanceOf(KilnException.class)
                .hasMessageContaining("'depth'");
    }

    @Test
    void embeddingLooksUpRowsAndClipsOutOfRangeIndices() {
        NDArray weight = arange(4, 3);
        NDArray data = NDArray.of(Shape.of(2, 2), 1, 3, -2, 9);
        assertThat(Ops.call("Embedding", attrs("input_dim", 4, "output_dim", 3), data, weight)).hasShape(2, 2, 3)
                .hasDType(DType.FLOAT32).isCloseTo(new double[] {3, 4, 5, 9, 10, 11, 0, 1, 2, 9, 10, 11}, 0, 0);
    }

    @Test
    void embeddingTakesTheWeightDtypeAndChecksItsShape() {
        NDArray w = NDArray.from(new double[][] {{1, 2}, {3, 4}});
        NDArray data = NDArray.from(new int[] {1});
        assertThat(Ops.call("Embedding", attrs("input_dim", 2, "output_dim", 2), data, w)).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {3, 4}, 0, 0);
        assertThatThrownBy(() -> Ops.call("Embedding", attrs("input_dim", 3, "output_dim", 2), data, w))
                .isInstanceOf(KilnException.class).hasMessageContaining("op 'Embedding'")
                .hasMessageContaining("'weight' has shape (2, 2)").hasMessageContaining("(3, 2)");
        assertThatThrownBy(() -> Ops.call("Embedding", attrs("input_dim", 2), data, w))
                .isInstanceOf(KilnException.class).hasMessageContaining("output_dim");
    }
}
