package dev.kiln.op.reduce;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;

import static dev.kiln.op.Ops.attrs;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected values were computed offline with NumPy 2.4 (float64) from the same inputs. */
class AxesReduceOpTest {
    /** ((arange(24) * 7) % 11 - 5).reshape(2, 3, 4): has repeated values and negatives. */
    static NDArray x() {
        return NDArray.of(Shape.of(2, 3, 4), -5, 2, -2, 5, 1, -3, 4, 0, -4, 3, -1, -5, 2, -2, 5, 1, -3, 4, 0, -4, 3, -1,
                -5, 2);
    }

    @Test
    void sumOverOneAxisDropsIt() {
        assertThat(Ops.call("sum", attrs("axis", 1), x())).hasShape(2, 4).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {-8, 2, 1, 0, 2, 1, 0, -1}, 0, 0);
    }

    @Test
    void sumOverTupleOfAxesParsesMXNetString() {
        assertThat(Ops.call("sum", attrs("axis", "(0, 2)"), x())).hasShape(3).isCloseTo(new double[] {6, -1, -8}, 0, 0);
    }

    @Test
    void sumWithoutAxisGivesShapeOne() {
        assertThat(Ops.call("sum", x())).hasShape(1).isCloseTo(new double[] {-3}, 0, 0);
        assertThat(Ops.call("sum", attrs("axis", "()"), x())).hasShape(1).isCloseTo(new double[] {-3}, 0, 0);
        assertThat(Ops.call("sum", attrs("axis", "None", "keepdims", "True"), x())).hasShape(1, 1, 1);
    }

    @Test
    void sumAxisIsAnAliasWithTheSameDefinition() {
        assertThat(Ops.call("sum_axis", attrs("axis", 1), x())).isEqualTo(Ops.call("sum", attrs("axis", 1), x()));
        org.assertj.core.api.Assertions.assertThat(OpRegistry.global().get("max_axis"))
                .isSameAs(OpRegistry.global().get("max"));
        org.assertj.core.api.Assertions.assertThat(OpRegistry.global().get("min_axis"))
                .isSameAs(OpRegistry.global().get("min"));
    }

    @Test
    void excludeReducesTheAxesNotListed() {
        assertThat(Ops.call("sum", attrs("axis", 1, "exclude", true), x())).hasShape(3)
                .isCloseTo(new double[] {6, -1, -8}, 0, 0);
        assertThat(Ops.call("sum", attrs("axis", "(0, 2)", "exclude", true, "keepdims", true), x()))
                .hasShape(2, 1, 4).isCloseTo(new double[] {-8, 2, 1, 0, 2, 1, 0, -1}, 0, 0);
    }

    @Test
    void reducingEveryAxisExplicitlyGivesShapeOne() {
        assertThat(Ops.call("sum", attrs("axis", "(0, 1, 2)"), x())).hasShape(1).isCloseTo(new double[] {-3}, 0, 0);
    }

    @Test
    void negativeAxesCountFromTheEndAndKeepdimsKeepsThem() {
        assertThat(Ops.call("mean", attrs("axis", -1, "keepdims", true), x())).hasShape(2, 3, 1)
                .isCloseTo(new double[] {0, 0.5, -1.75, 1.5, -0.75, -0.25}, 0, 0);
    }

    @Test
    void prodMaxMinMatchNumPy() {
        assertThat(Ops.call("prod", attrs("axis", 0), x())).hasShape(3, 4)
                .isCloseTo(new double[] {-10, -4, -10, 5, -3, -12, 0, 0, -12, -3, 5, -10}, 0, 0);
        assertThat(Ops.call("max", attrs("axis", 2), x())).hasShape(2, 3).isCloseTo(new double[] {5, 4, 3, 5, 4, 3}, 0, 0);
        assertThat(Ops.call("min", attrs("axis", "(0, 1)"), x())).hasShape(4)
                .isCloseTo(new double[] {-5, -3, -5, -5}, 0, 0);
    }

    @Test
    void scatteredAxesOfFourDimensionsReduceCorrectly() {
        double[] v = new double[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i % 5 - 2;
        }
        NDArray y = NDArray.of(Shape.of(2, 3, 2, 2), DType.FLOAT64, v);
        assertThat(Ops.call("sum", attrs("axis", "(0, 2)"), y)).hasShape(3, 2).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {0, -1, 1, 0, -3, 1}, 0, 0);
        assertThat(Ops.call("max", attrs("axis", "(1, 3)"), y)).hasShape(2, 2).isCloseTo(new double[] {2, 1, 1, 2}, 0, 0);
    }

    @Test
    void logsumexpIsStableForLargeInputs() {
        assertThat(Ops.call("logsumexp", attrs("axis", 1), x())).hasShape(2, 4)
                .isCloseTo(new double[] {1.0091744845917348, 3.315072160665251, 4.0091744845917345, 5.006760443547122,
                        3.315072160665251, 4.0091744845917345, 5.006760443547122, 2.315072160665251}, 1e-6, 1e-6);
        assertThat(Ops.call("logsumexp", x())).hasShape(1).isCloseTo(new double[] {6.167433201834692}, 1e-6, 0);
        NDArray big = NDArray.of(Shape.of(2), 1000f, 1000f);
        assertThat(Ops.call("logsumexp", big)).isCloseTo(new double[] {1000 + Math.log(2)}, 1e-7, 0);
        NDArray negInf = NDArray.of(Shape.of(2), Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertThat(Ops.call("logsumexp", negInf)).isCloseTo(new double[] {Double.NEGATIVE_INFINITY}, 0, 0);
    }

    @Test
    void nanPropagatesThroughSumAndMaxButNotNansum() {
        NDArray a = NDArray.of(Shape.of(2, 3), 1, Float.NaN, 3, 4, 5, 6);
        assertThat(Ops.call("sum", attrs("axis", 1), a)).isCloseTo(new double[] {Double.NaN, 15}, 0, 0);
        assertThat(Ops.call("max", attrs("axis", 1), a)).isCloseTo(new double[] {Double.NaN, 6}, 0, 0);
        assertThat(Ops.call("min", attrs("axis", 1), a)).isCloseTo(new double[] {Double.NaN, 4}, 0, 0);
        assertThat(Ops.call("nansum", attrs("axis", 1), a)).isCloseTo(new double[] {4, 15}, 0, 0);
        assertThat(Ops.call("nanprod", attrs("axis", 1), a)).isCloseTo(new double[] {3, 120}, 0, 0);
    }

    @Test
    void emptyReductionsGiveTheIdentity() {
        NDArray e = NDArray.zeros(Shape.of(2, 0), DType.FLOAT32, dev.kiln.ndarray.Device.cpu());
        assertThat(Ops.call("sum", attrs("axis", 1), e)).hasShape(2).isCloseTo(new double[] {0, 0}, 0, 0);
        assertThat(Ops.call("prod", attrs("axis", 1), e)).isCloseTo(new double[] {1, 1}, 0, 0);
        assertThat(Ops.call("nansum", attrs("axis", 1), e)).isCloseTo(new double[] {0, 0}, 0, 0);
        assertThat(Ops.call("mean", attrs("axis", 1), e)).isCloseTo(new double[] {Double.NaN, Double.NaN}, 0, 0);
        assertThat(Ops.call("sum", attrs("axis", 0), e)).hasShape(0);
    }

    @Test
    void maxOfAnEmptyArrayIsAnError() {
        NDArray e = NDArray.zeros(Shape.of(2, 0), DType.FLOAT32, dev.kiln.ndarray.Device.cpu());
        assertThatThrownBy(() -> Ops.call("max", attrs("axis", 1), e)).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'max'").hasMessageContaining("(2, 0)").hasMessageContaining("no elements");
        assertThatThrownBy(() -> Ops.call("min", e)).isInstanceOf(KilnException.class);
    }

    @Test
    void integerSumsAreExactAndWrapLikeTheDtype() {
        NDArray i = NDArray.of(Shape.of(2, 3), DType.INT32, 1, 2, 3, 2147483647, 1, 0);
        assertThat(Ops.call("sum", attrs("axis", 1), i)).hasDType(DType.INT32)
                .isCloseTo(new double[] {6, -2147483648.0}, 0, 0);
        NDArray big = NDArray.from(new long[] {1L << 60, 1, -(1L << 60)});
        org.assertj.core.api.Assertions.assertThat(Ops.call("sum", big).asLong()).isEqualTo(1L);
        NDArray u8 = NDArray.of(Shape.of(3), DType.UINT8, 200, 100, 1);
        assertThat(Ops.call("sum", u8)).hasDType(DType.UINT8).isCloseTo(new double[] {45}, 0, 0);
    }

    @Test
    void integerMeanTruncatesTowardZero() {
        NDArray i = NDArray.of(Shape.of(2, 2), DType.INT32, 1, 2, -3, -4);
        assertThat(Ops.call("mean", attrs("axis", 1), i)).hasDType(DType.INT32).isCloseTo(new double[] {1, -3}, 0, 0);
        NDArray e = NDArray.zeros(Shape.of(2, 0), DType.INT32, dev.kiln.ndarray.Device.cpu());
        assertThatThrownBy(() -> Ops.call("mean", attrs("axis", 1), e)).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'mean'").hasMessageContaining("(2, 0)");
    }

    @Test
    void integerProdMaxMinStayExact() {
        NDArray i = NDArray.of(Shape.of(2, 3), DType.INT64, 3, -7, 2, 9, 9, -1);
        assertThat(Ops.call("prod", attrs("axis", 1), i)).hasDType(DType.INT64).isCloseTo(new double[] {-42, -81}, 0, 0);
        assertThat(Ops.call("max", attrs("axis", 0), i)).isCloseTo(new double[] {9, 9, 2}, 0, 0);
        assertThat(Ops.call("min", attrs("axis", 0), i)).isCloseTo(new double[] {3, -7, -1}, 0, 0);
    }

    @Test
    void halfPrecisionSumRoundsOnceAtTheEnd() {
        NDArray h = NDArray.of(Shape.of(4), DType.FLOAT16, 2048, 1, 1, 1);
        // float16 accumulation would stall at 2048 (2049 is not representable); one rounding of 2051 gives 2052.
        assertThat(Ops.call("sum", h)).hasDType(DType.FLOAT16).isCloseTo(new double[] {2052}, 0, 0);
    }

    @Test
    void float32SumOfManyElementsIsAccurate() {
        int n = 100_001;
        float[] v = new float[n];
        v[0] = 1e8f;
        for (int i = 1; i < n; i++) {
            v[i] = 1f;
        }
        // naive float32 accumulation returns 1e8; the exact sum 100100000 is representable in float32
        assertThat(Ops.call("sum", NDArray.of(Shape.of(n), v))).isCloseTo(new double[] {100_100_000}, 0, 0);
        float[] tenths = new float[1 << 20];
        java.util.Arrays.fill(tenths, 0.1f);
        double exact = (1 << 20) * (double) 0.1f;
        assertThat(Ops.call("sum", NDArray.of(Shape.of(1 << 20), tenths))).isCloseTo(new double[] {exact}, 1e-7, 0);
        assertThat(Ops.call("mean", NDArray.of(Shape.of(1 << 20), tenths))).isCloseTo(new double[] {0.1f}, 1e-7, 0);
    }

    @Test
    void largeStridedReductionMatchesClosedForm() {
        int rows = 3000;
        int cols = 37;
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = c - (r % 4);
            }
        }
        double[] expected = new double[cols];
        for (int c = 0; c < cols; c++) {
            expected[c] = rows * c - 1.5 * rows; // r % 4 averages 1.5 over 3000 rows
        }
        assertThat(Ops.call("sum", attrs("axis", 0), NDArray.of(Shape.of(rows, cols), v))).hasShape(cols)
                .isCloseTo(expected, 0, 0);
    }

    @Test
    void badAxesNameTheOpAttributeAndShape() {
        assertThatThrownBy(() -> Ops.call("sum", attrs("axis", 3), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'sum'").hasMessageContaining("'axis'").hasMessageContaining("(2, 3, 4)");
        assertThatThrownBy(() -> Ops.call("sum", attrs("axis", "(1, -2)"), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> Ops.call("sum", attrs("axes", 1), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("no attribute 'axes'");
    }

    @Test
    void attributesRoundTripInMXNetForm() {
        var op = OpRegistry.global().get("sum");
        var a = op.attrs(java.util.Map.of("axis", "(0, 2)", "keepdims", "True"));
        org.assertj.core.api.Assertions.assertThat(a.toMXNetStrings(op))
                .containsEntry("axis", "(0, 2)").containsEntry("keepdims", "True");
    }
}
