package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static dev.kiln.op.shape.ShapeTestSupport.arange;
import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static dev.kiln.op.shape.ShapeTestSupport.call;
import static dev.kiln.op.shape.ShapeTestSupport.fails;
import static dev.kiln.testing.NDArrayAssert.assertThat;

/** Expected values come from {@code np.diag} and {@code np.diagonal}. */
class DiagonalTest {
    private static final NDArray V = NDArray.of(Shape.of(3), DType.INT32, 1, 2, 3);

    @Test
    void vectorBecomesADiagonalMatrix() {
        assertThat(call("diag", attrs(), V)).hasShape(3, 3).hasDType(DType.INT32)
                .isCloseTo(new double[] {1, 0, 0, 0, 2, 0, 0, 0, 3}, 0, 0);
        assertThat(call("diag", attrs("k", 1), V)).hasShape(4, 4)
                .isCloseTo(new double[] {0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0}, 0, 0);
        assertThat(call("diag", attrs("k", -1), V)).hasShape(4, 4)
                .isCloseTo(new double[] {0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0}, 0, 0);
        assertThat(call("diag", attrs("k", 2), arange(0))).hasShape(2, 2).isCloseTo(new double[4], 0, 0);
    }

    @ParameterizedTest(name = "k={0}")
    @CsvSource(delimiter = '|', value = {"0 | 0 5 10", "1 | 1 6 11", "-1 | 4 9", "-2 | 8", "3 | 3"})
    void matrixDiagonalsFollowK(int k, String values) {
        double[] expected = Arrays.stream(values.split(" ")).mapToDouble(Double::parseDouble).toArray();
        assertThat(call("diag", attrs("k", k), arange(3, 4))).hasShape(expected.length).isCloseTo(expected, 0, 0);
    }

    @Test
    void diagonalBeyondTheMatrixIsEmptyOrAnError() {
        assertThat(call("diag", attrs("k", 4), arange(3, 4))).hasShape(0);
        fails("diag", attrs("k", 5), arange(3, 4)).hasMessageContaining("op 'diag'").hasMessageContaining("k=5")
                .hasMessageContaining("(3, 4)");
    }

    @Test
    void higherRankInputsAppendTheDiagonalAxis() {
        assertThat(call("diag", attrs("axis1", 1, "axis2", 2), arange(2, 3, 4))).hasShape(2, 3)
                .isCloseTo(new double[] {0, 5, 10, 12, 17, 22}, 0, 0);
        // np.diagonal(x, 1, 2, 0): rows along axis 2, columns along axis 0
        assertThat(call("diag", attrs("k", 1, "axis1", 2, "axis2", 0), arange(2, 3, 4))).hasShape(3, 1)
                .isCloseTo(new double[] {12, 16, 20}, 0, 0);
        assertThat(call("diag", attrs("k", -1, "axis1", 0, "axis2", -1), arange(DType.FLOAT16, 2, 3, 4)))
                .hasShape(3, 1).hasDType(DType.FLOAT16).isCloseTo(new double[] {12, 16, 20}, 0, 0);
        assertThat(call("diag", attrs(), arange(DType.BOOL, 2, 2))).hasShape(2)
                .isCloseTo(new double[] {0, 1}, 0, 0);
    }

    @Test
    void diagRejectsEqualAxesAndScalars() {
        fails("diag", attrs("axis1", 1, "axis2", -2), arange(2, 3, 4)).hasMessageContaining("same axis");
        fails("diag", attrs("axis2", 3), arange(2, 3, 4)).hasMessageContaining("axis2=3");
        fails("diag", attrs(), NDArray.scalar(1)).hasMessageContaining("rank >= 1");
    }
}
