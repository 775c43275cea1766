package dev.kiln.op.reduce;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import static dev.kiln.op.Ops.attrs;
import static dev.kiln.op.reduce.AxesReduceOpTest.x;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** norm, argmax/argmin and cumsum; expected values computed offline with NumPy 2.4 from the same inputs. */
class NormArgCumsumTest {

    @Test
    void normDefaultsToL2OverAllElementsWithShapeOne() {
        assertThat(Ops.call("norm", x())).hasShape(1).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {15.7797338380595}, 1e-6, 0);
    }

    @Test
    void normOrdOneOverAnAxis() {
        assertThat(Ops.call("norm", attrs("ord", 1, "axis", 1), x())).hasShape(2, 4)
                .isCloseTo(new double[] {10, 8, 7, 10, 8, 7, 10, 7}, 0, 0);
    }

    @Test
    void normOverTwoAxesIsFrobeniusAndKeepdimsKeeps() {
        assertThat(Ops.call("norm", attrs("axis", "(1, 2)", "keepdims", true), x())).hasShape(2, 1, 1)
                .isCloseTo(new double[] {11.61895003862225, 10.677078252031311}, 1e-6, 0);
    }

    @Test
    void normOutDtypeChoosesTheOutputDtype() {
        assertThat(Ops.call("norm", attrs("out_dtype", "float64"), x())).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {15.7797338380595}, 1e-7, 0);
        NDArray i = NDArray.of(Shape.of(2), DType.INT32, 3, 4);
        assertThat(Ops.call("norm", i)).hasDType(DType.INT32).isCloseTo(new double[] {5}, 0, 0);
        assertThatThrownBy(() -> Ops.call("norm", attrs("out_dtype", "uint8"), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("out_dtype");
    }

    @Test
    void normNeitherOverflowsNorUnderflows() {
        NDArray huge = NDArray.of(Shape.of(2), DType.FLOAT64, 3e200, 4e200);
        assertThat(Ops.call("norm", huge)).isCloseTo(new double[] {5e200}, 1e-12, 0);
        NDArray tiny = NDArray.of(Shape.of(2), DType.FLOAT64, 3e-200, 4e-200);
        assertThat(Ops.call("norm", tiny)).isCloseTo(new double[] {5e-200}, 1e-12, 0);
        NDArray empty = NDArray.zeros(Shape.of(0), DType.FLOAT32, Device.cpu());
        assertThat(Ops.call("norm", empty)).isCloseTo(new double[] {0}, 0, 0);
    }

    @Test
    void normRejectsOtherOrders() {
        assertThatThrownBy(() -> Ops.call("norm", attrs("ord", 3), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'norm'").hasMessageContaining("'ord' = 3");
    }

    @Test
    void argmaxReturnsFirstOccurrenceInTheInputDtype() {
        assertThat(Ops.call("argmax", attrs("axis", 1), x())).hasShape(2, 4).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {1, 2, 1, 0, 2, 1, 0, 2}, 0, 0);
        assertThat(Ops.call("argmin", attrs("axis", -1, "keepdims", true), x())).hasShape(2, 3, 1)
                .isCloseTo(new double[] {0, 1, 3, 1, 3, 2}, 0, 0);
    }

    @Test
    void argmaxWithoutAxisSearchesTheFlattenedArray() {
        assertThat(Ops.call("argmax", x())).hasShape(1).isCloseTo(new double[] {3}, 0, 0);
        assertThat(Ops.call("argmin", x())).hasShape(1).isCloseTo(new double[] {0}, 0, 0);
        assertThat(Ops.call("argmax", attrs("keepdims", true), x())).hasShape(1, 1, 1);
        NDArray v = NDArray.of(Shape.of(3), 1, 7, 2);
        assertThat(Ops.call("argmax", attrs("axis", 0), v)).hasShape(1).isCloseTo(new double[] {1}, 0, 0);
    }

    @Test
    void argmaxPicksTheFirstNaN() {
        NDArray v = NDArray.of(Shape.of(5), 1, 9, Float.NaN, 3, Float.NaN);
        assertThat(Ops.call("argmax", v)).isCloseTo(new double[] {2}, 0, 0);
        assertThat(Ops.call("argmin", v)).isCloseTo(new double[] {2}, 0, 0);
    }

    @Test
    void argmaxOfIntegersKeepsTheIntegerDtype() {
        NDArray i = NDArray.from(new long[][] {{5, 1L << 60, (1L << 60) + 1}, {-3, -3, -9}});
        assertThat(Ops.call("argmax", attrs("axis", 1), i)).hasDType(DType.INT64).isCloseTo(new double[] {2, 0}, 0, 0);
        assertThat(Ops.call("argmin", attrs("axis", 1), i)).isCloseTo(new double[] {0, 2}, 0, 0);
    }

    @Test
    void argmaxOfAnEmptyAxisIsAnError() {
        NDArray e = NDArray.zeros(Shape.of(2, 0), DType.FLOAT32, Device.cpu());
        assertThatThrownBy(() -> Ops.call("argmax", attrs("axis", 1), e)).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'argmax'").hasMessageContaining("(2, 0)");
        assertThatThrownBy(() -> Ops.call("argmin", e)).isInstanceOf(KilnException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Ops.call("argmax", attrs("axis", 3), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("'axis' = 3").hasMessageContaining("(2, 3, 4)");
    }

    @Test
    void cumsumAlongAnAxisAndFlattened() {
        assertThat(Ops.call("cumsum", attrs("axis", 1), x())).hasShape(2, 3, 4).isCloseTo(new double[] {-5, 2, -2, 5,
                -4, -1, 2, 5, -8, 2, 1, 0, 2, -2, 5, 1, -1, 2, 5, -3, 2, 1, 0, -1}, 0, 0);
        assertThat(Ops.call("_np_cumsum", x())).hasShape(24).isCloseTo(new double[] {-5, -3, -5, 0, 1, -2, 2, 2, -2,
                1, 0, -5, -3, -5, 0, 1, -2, 2, 2, -2, 1, 0, -5, -3}, 0, 0);
        assertThat(Ops.call("cumsum", attrs("axis", -3), x())).isCloseTo(Ops.call("cumsum", attrs("axis", 0), x()), 0, 0);
    }

    @Test
    void cumsumDtypeRules() {
        NDArray b = NDArray.from(new boolean[] {true, false, true});
        assertThat(Ops.call("cumsum", b)).hasDType(DType.INT64).isCloseTo(new double[] {1, 1, 2}, 0, 0);
        NDArray f = NDArray.of(Shape.of(3), 1.7f, 1.7f, -0.5f);
        // an integer output truncates each element before adding: 1 + 1 + 0
        assertThat(Ops.call("cumsum", attrs("dtype", "int32"), f)).hasDType(DType.INT32)
                .isCloseTo(new double[] {1, 2, 2}, 0, 0);
        assertThat(Ops.call("cumsum", attrs("dtype", "float64"), f)).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {1.7f, 2 * (double) 1.7f, 2 * (double) 1.7f - 0.5}, 1e-15, 0);
        NDArray i8 = NDArray.of(Shape.of(2), DType.INT8, 100, 100);
        assertThat(Ops.call("cumsum", i8)).hasDType(DType.INT8).isCloseTo(new double[] {100, -56}, 0, 0);
        assertThatThrownBy(() -> Ops.call("cumsum", attrs("dtype", "bool"), f)).isInstanceOf(KilnException.class);
        assertThatThrownBy(() -> Ops.call("cumsum", attrs("axis", 1), f)).isInstanceOf(KilnException.class)
                .hasMessageContaining("'axis' = 1").hasMessageContaining("(3,)");
    }

    @Test
    void cumsumOverWideRowsMatchesClosedForm() {
        int rows = 5;
        int cols = 600;
        float[] v = new float[rows * cols];
        double[] expected = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = c + r;
                expected[r * cols + c] = (r + 1) * c + r * (r + 1) / 2.0; // sum over r' <= r of (c + r')
            }
        }
        assertThat(Ops.call("cumsum", attrs("axis", 0), NDArray.of(Shape.of(rows, cols), v))).isCloseTo(expected, 0, 0);
        assertThat(Ops.call("cumsum", attrs("axis", 0), NDArray.of(Shape.of(rows, cols), v).astype(DType.INT32)))
                .hasDType(DType.INT32).isCloseTo(expected, 0, 0);
    }

    @Test
    void cumsumOfEmptyIsEmpty() {
        NDArray e = NDArray.zeros(Shape.of(0, 3), DType.FLOAT32, Device.cpu());
        assertThat(Ops.call("cumsum", attrs("axis", 0), e)).hasShape(0, 3);
        assertThat(Ops.call("cumsum", e)).hasShape(0);
    }
}
