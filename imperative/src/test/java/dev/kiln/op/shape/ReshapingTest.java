package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static dev.kiln.op.shape.ShapeTestSupport.arange;
import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static dev.kiln.op.shape.ShapeTestSupport.call;
import static dev.kiln.op.shape.ShapeTestSupport.fails;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class ReshapingTest {

    private static double[] iota(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static int[] dims(String s) {
        return s.isBlank() ? new int[0] : Arrays.stream(s.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    // Cases from MXNet's Reshape documentation: input shape | shape attribute | reverse | expected shape.
    @ParameterizedTest(name = "{0} with shape={1} reverse={2} gives {3}")
    @CsvSource(delimiter = '|', value = {
            "2 3 4   | (4, 0, 2)        | False | 4 3 2",
            "2 3 4   | (2, 0, 0)        | False | 2 3 4",
            "2 3 4   | (6, 1, -1)       | False | 6 1 4",
            "2 3 4   | (3, -1, 8)       | False | 3 1 8",
            "2 3 4   | (-1,)            | False | 24",
            "2 3 4   | (-2,)            | False | 2 3 4",
            "2 3 4   | (2, -2)          | False | 2 3 4",
            "2 3 4   | (-2, 1, 1)       | False | 2 3 4 1 1",
            "2 3 4   | (-3, 4)          | False | 6 4",
            "2 3 4 5 | (-3, -3)         | False | 6 20",
            "2 3 4   | (0, -3)          | False | 2 12",
            "2 3 4   | (-3, -2)         | False | 6 4",
            "2 3 4   | (-4, 1, 2, -2)   | False | 1 2 3 4",
            "2 3 4   | (2, -4, -1, 3, -2) | False | 2 1 3 4",
            "10 5 4  | (-1, 0)          | False | 40 5",
            "10 5 4  | (-1, 0)          | True  | 50 4",
            "0 3     | (-2, 1)          | False | 0 3 1",
    })
    void reshapeAppliesMXNetSpecialCodes(String in, String shape, String reverse, String expected) {
        NDArray x = arange(dims(in));
        NDArray y = call("Reshape", attrs("shape", shape, "reverse", reverse), x);
        assertThat(y).hasShape(dims(expected)).isCloseTo(iota(x.size()), 0, 0);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "INT32", "FLOAT16", "BOOL"})
    void reshapeKeepsValuesAndDTypeOfEveryDType(DType t) {
        NDArray x = arange(t, 2, 3);
        NDArray y = call("reshape", attrs("shape", new int[] {3, 2}), x);
        assertThat(y).hasShape(3, 2).hasDType(t).isCloseTo(x.toDoubleArray(), 0, 0);
        assertThat(y.sharesStorageWith(x)).isFalse();
    }

    @Test
    void legacyTargetShapeInfersItsZeroDim() {
        assertThat(call("Reshape", attrs("target_shape", "(0, 4)"), arange(2, 3, 4))).hasShape(6, 4);
    }

    @Test
    void legacyKeepHighestKeepsTheFirstInputDim() {
        NDArray y = call("Reshape", attrs("target_shape", "(5, 0)", "keep_highest", "True"), arange(2, 3, 4));
        assertThat(y).hasShape(2, 12);
    }

    @Test
    void reshapeErrorsNameOpShapeAndAttribute() {
        fails("Reshape", attrs("shape", "(5, -1)"), arange(2, 3, 4))
                .hasMessageContaining("op 'Reshape'").hasMessageContaining("(2, 3, 4)").hasMessageContaining("5");
        fails("Reshape", attrs("shape", "(5, 5)"), arange(2, 3, 4))
                .hasMessageContaining("op 'Reshape'").hasMessageContaining("24");
        fails("Reshape", attrs(), arange(2, 3)).hasMessageContaining("op 'Reshape'").hasMessageContaining("shape");
        fails("Reshape", attrs("shape", "(-1, -1)"), arange(2, 3)).hasMessageContaining("-1");
    }

    @Test
    void reshapeLikeCopiesTheSelectedRhsDims() {
        assertThat(call("reshape_like", attrs(), arange(6), arange(3, 2))).hasShape(3, 2)
                .isCloseTo(iota(6), 0, 0);
        assertThat(call("reshape_like", attrs("lhs_begin", 0, "lhs_end", 1, "rhs_begin", 0, "rhs_end", 2),
                arange(30, 7), arange(15, 2, 4))).hasShape(15, 2, 7);
        assertThat(call("reshape_like", attrs("lhs_begin", 0, "lhs_end", 2, "rhs_begin", 1, "rhs_end", 2),
                arange(3, 5), arange(1, 15, 4))).hasShape(15);
        assertThat(call("reshape_like", attrs("lhs_begin", -1, "lhs_end", "None", "rhs_begin", 1),
                arange(30, 12), arange(4, 2, 2, 3))).hasShape(30, 2, 2, 3);
    }

    @Test
    void reshapeLikeTakesTheLhsDTypeWhateverTheRhsDType() {
        NDArray y = call("reshape_like", attrs(), arange(DType.INT32, 6), arange(DType.FLOAT16, 2, 3));
        assertThat(y).hasDType(DType.INT32).hasShape(2, 3).isCloseTo(iota(6), 0, 0);
    }

    @Test
    void reshapeLikeRejectsSizeMismatchAndBadRanges() {
        fails("reshape_like", attrs(), arange(6), arange(4)).hasMessageContaining("op 'reshape_like'")
                .hasMessageContaining("(6,)").hasMessageContaining("(4,)");
        fails("reshape_like", attrs("lhs_begin", 1, "lhs_end", 1), arange(6), arange(6))
                .hasMessageContaining("lhs_begin=1");
        fails("reshape_like", attrs("rhs_end", 3), arange(6), arange(6)).hasMessageContaining("rhs_end=3");
    }

    @Test
    void flattenKeepsTheFirstDimAndMergesTheRest() {
        assertThat(call("Flatten", attrs(), arange(2, 3, 4))).hasShape(2, 12).isCloseTo(iota(24), 0, 0);
        assertThat(call("flatten", attrs(), arange(5))).hasShape(5, 1);
        assertThat(call("flatten", attrs(), arange(0, 3))).hasShape(0, 3);
        assertThat(call("flatten", attrs(), arange(3, 0, 2))).hasShape(3, 0);
        fails("Flatten", attrs(), NDArray.scalar(1)).hasMessageContaining("op 'Flatten'").hasMessageContaining("()");
    }

    @ParameterizedTest(name = "axis={0} gives {1}")
    @CsvSource({"0, 1 2 3", "1, 2 1 3", "2, 2 3 1", "-1, 2 3 1", "-2, 2 1 3", "-3, 1 2 3"})
    void expandDimsInsertsAUnitAxis(int axis, String expected) {
        assertThat(call("expand_dims", attrs("axis", axis), arange(2, 3))).hasShape(dims(expected))
                .isCloseTo(iota(6), 0, 0);
    }

    @Test
    void expandDimsRejectsAxesOutsideMinusNdimMinusOneToNdim() {
        fails("expand_dims", attrs("axis", 3), arange(2, 3)).hasMessageContaining("op 'expand_dims'")
                .hasMessageContaining("axis=3").hasMessageContaining("(2, 3)");
        fails("expand_dims", attrs("axis", -4), arange(2, 3)).hasMessageContaining("axis=-4");
        fails("expand_dims", attrs(), arange(2, 3)).hasMessageContaining("axis");
    }

    @Test
    void squeezeRemovesAllOrTheGivenUnitAxes() {
        assertThat(call("squeeze", attrs(), arange(1, 3, 1, 2))).hasShape(3, 2).isCloseTo(iota(6), 0, 0);
        assertThat(call("squeeze", attrs("axis", 2), arange(1, 3, 1, 2))).hasShape(1, 3, 2);
        assertThat(call("squeeze", attrs("axis", "(0, -2)"), arange(1, 3, 1, 2))).hasShape(3, 2);
        assertThat(call("squeeze", attrs("axis", "None"), arange(2, 1))).hasShape(2);
        assertThat(call("squeeze", attrs(), arange(1, 0, 1))).hasShape(0);
    }

    @Test
    void squeezeOfOnlyUnitAxesGivesShapeOneAsMXNetDoes() {
        assertThat(call("squeeze", attrs(), arange(1, 1))).hasShape(1).isCloseTo(new double[] {0}, 0, 0);
        assertThat(call("squeeze", attrs("axis", 0), arange(1))).hasShape(1);
    }

    @Test
    void squeezeRejectsNonUnitDuplicateAndOutOfRangeAxes() {
        fails("squeeze", attrs("axis", 1), arange(1, 3)).hasMessageContaining("op 'squeeze'")
                .hasMessageContaining("size is 3").hasMessageContaining("(1, 3)");
        fails("squeeze", attrs("axis", "(0, 0)"), arange(1, 3)).hasMessageContaining("twice");
        fails("squeeze", attrs("axis", 2), arange(1, 3)).hasMessageContaining("axis=2");
    }
}
