package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.kiln.op.shape.ShapeTestSupport.arange;
import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static dev.kiln.op.shape.ShapeTestSupport.call;
import static dev.kiln.op.shape.ShapeTestSupport.fails;
import static dev.kiln.op.shape.ShapeTestSupport.range;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class JoiningTest {

    @Test
    void concatJoinsAlongDimOneByDefault() {
        // numpy: np.concatenate([arange(4).reshape(2, 2), 10 + arange(6).reshape(2, 3)], 1)
        NDArray y = call("Concat", attrs("num_args", 2), arange(2, 2), range(10, 2, 3));
        assertThat(y).hasShape(2, 5).isCloseTo(new double[] {0, 1, 10, 11, 12, 2, 3, 13, 14, 15}, 0, 0);
    }

    @Test
    void concatJoinsThreeInputsAlongDimZero() {
        NDArray y = call("concat", attrs("num_args", 3, "dim", 0), arange(2, 3), range(10, 1, 3), range(20, 2, 3));
        assertThat(y).hasShape(5, 3)
                .isCloseTo(new double[] {0, 1, 2, 3, 4, 5, 10, 11, 12, 20, 21, 22, 23, 24, 25}, 0, 0);
    }

    @Test
    void concatAcceptsNegativeDimAndZeroSizeInputs() {
        NDArray y = call("concat", attrs("num_args", 2, "dim", -1), arange(2, 0), arange(2, 3));
        assertThat(y).hasShape(2, 3).isCloseTo(new double[] {0, 1, 2, 3, 4, 5}, 0, 0);
        assertThat(call("concat", attrs("num_args", 1, "dim", 0), arange(4))).hasShape(4);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "INT32", "FLOAT16", "BOOL"})
    void concatKeepsEveryDType(DType t) {
        NDArray y = call("concat", attrs("num_args", 2, "dim", 0), arange(t, 2), arange(t, 3));
        double[] expected = t == DType.BOOL ? new double[] {0, 1, 0, 1, 0} : new double[] {0, 1, 0, 1, 2};
        assertThat(y).hasShape(5).hasDType(t).isCloseTo(expected, 0, 0);
    }

    @Test
    void concatNamesTheMismatchedArgumentAndBothShapes() {
        fails("Concat", attrs("num_args", 2, "dim", 1), arange(2, 3), arange(3, 2))
                .hasMessageContaining("op 'Concat'").hasMessageContaining("arg1").hasMessageContaining("(3, 2)")
                .hasMessageContaining("(2, 3)").hasMessageContaining("dim=1");
        fails("Concat", attrs("num_args", 2, "dim", 0), arange(2, 3), arange(2)).hasMessageContaining("arg1")
                .hasMessageContaining("(2,)");
        fails("Concat", attrs("num_args", 2, "dim", 2), arange(2, 3), arange(2, 3)).hasMessageContaining("dim=2");
        fails("Concat", attrs("num_args", 1), NDArray.scalar(1)).hasMessageContaining("0-d");
        fails("Concat", attrs("num_args", 3), arange(2, 3), arange(2, 3)).hasMessageContaining("expects 3 inputs");
        fails("Concat", attrs("num_args", 2), arange(2, 3), arange(DType.INT32, 2, 3))
                .hasMessageContaining("arg1").hasMessageContaining("int32");
    }

    @Test
    void concatInputsAreNamedArgN() {
        var op = OpRegistry.global().get("concat");
        assertThat(op.inputNames(op.attrs(attrs("num_args", 3)))).containsExactly("arg0", "arg1", "arg2");
    }

    @ParameterizedTest(name = "axis={0}")
    @CsvSource(delimiter = '|', value = {
            "0  | 2 2 3 | 0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15",
            "1  | 2 2 3 | 0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15",
            "2  | 2 3 2 | 0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15",
            "-1 | 2 3 2 | 0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15",
            "-3 | 2 2 3 | 0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15",
    })
    void stackAddsANewAxis(int axis, String shape, String values) {
        // numpy: np.stack([arange(6).reshape(2, 3), 10 + arange(6).reshape(2, 3)], axis)
        NDArray y = call("stack", attrs("axis", axis, "num_args", 2), arange(2, 3), range(10, 2, 3));
        int[] dims = java.util.Arrays.stream(shape.split(" ")).mapToInt(Integer::parseInt).toArray();
        double[] expected = java.util.Arrays.stream(values.split(",")).mapToDouble(s -> Double.parseDouble(s.trim()))
                .toArray();
        assertThat(y).hasShape(dims).isCloseTo(expected, 0, 0);
    }

    @Test
    void stackOfScalarsAndOfBoolArrays() {
        assertThat(call("stack", attrs("num_args", 2), NDArray.scalar(3), NDArray.scalar(4))).hasShape(2)
                .isCloseTo(new double[] {3, 4}, 0, 0);
        assertThat(call("stack", attrs("num_args", 2, "axis", 1), arange(DType.BOOL, 2), arange(DType.BOOL, 2)))
                .hasShape(2, 2).hasDType(DType.BOOL).isCloseTo(new double[] {0, 0, 1, 1}, 0, 0);
        assertThat(call("stack", attrs("num_args", 3), arange(0), arange(0), arange(0))).hasShape(3, 0);
    }

    @Test
    void stackRejectsUnequalShapesAndBadAxes() {
        fails("stack", attrs("num_args", 2), arange(2, 3), arange(3, 2)).hasMessageContaining("op 'stack'")
                .hasMessageContaining("arg1").hasMessageContaining("(3, 2)").hasMessageContaining("(2, 3)");
        fails("stack", attrs("num_args", 2, "axis", 3), arange(2, 3), arange(2, 3)).hasMessageContaining("axis=3");
        fails("stack", attrs("num_args", 0)).hasMessageContaining("num_args=0");
    }

    @Test
    void largeConcatMatchesBlockwiseExpectation() {
        NDArray a = arange(DType.INT32, 700, 50);
        NDArray b = arange(DType.INT32, 700, 30);
        List<NDArray> out = ShapeTestSupport.invoke("concat", attrs("num_args", 2, "dim", 1), a, b);
        int[] v = out.get(0).toIntArray();
        for (int r = 0; r < 700; r++) {
            for (int c = 0; c < 80; c++) {
                int expected = c < 50 ? r * 50 + c : r * 30 + (c - 50);
                if (v[r * 80 + c] != expected) {
                    throw new AssertionError("(" + r + ", " + c + ") is " + v[r * 80 + c] + ", expected " + expected);
                }
            }
        }
    }
}
