package dev.kiln.op.reduce;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.kiln.op.Ops.attrs;
import static dev.kiln.op.reduce.AxesReduceOpTest.x;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** sort, argsort, topk; expected values computed offline with NumPy 2.4 stable sorts from the same inputs. */
class SortOpsTest {

    @Test
    void sortDefaultsToAscendingAlongTheLastAxis() {
        assertThat(Ops.call("sort", x())).hasShape(2, 3, 4).hasDType(DType.FLOAT32).isCloseTo(new double[] {-5, -2, 2,
                5, -3, 0, 1, 4, -5, -4, -1, 3, -2, 1, 2, 5, -4, -3, 0, 4, -5, -1, 2, 3}, 0, 0);
    }

    @Test
    void sortDescendingAlongAxisZero() {
        assertThat(Ops.call("sort", attrs("axis", 0, "is_ascend", false), x())).isCloseTo(new double[] {2, 2, 5, 5, 1,
                4, 4, 0, 3, 3, -1, 2, -5, -2, -2, 1, -3, -3, 0, -4, -4, -1, -5, -5}, 0, 0);
    }

    @Test
    void sortWithAxisNoneFlattens() {
        assertThat(Ops.call("sort", attrs("axis", "None"), x())).hasShape(24).isCloseTo(new double[] {-5, -5, -5, -4,
                -4, -3, -3, -2, -2, -1, -1, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5}, 0, 0);
    }

    @Test
    void argsortIsStableInBothDirectionsAndFloat32ByDefault() {
        assertThat(Ops.call("argsort", attrs("axis", 1), x())).hasDType(DType.FLOAT32).isCloseTo(new double[] {0, 1, 0,
                2, 2, 0, 2, 1, 1, 2, 1, 0, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2}, 0, 0);
        assertThat(Ops.call("argsort", attrs("axis", 1, "is_ascend", false, "dtype", "int64"), x()))
                .hasDType(DType.INT64).isCloseTo(new double[] {1, 2, 1, 0, 2, 0, 2, 1, 0, 1, 0, 2, 2, 1, 0, 2, 0, 2, 1,
                        0, 1, 0, 2, 1}, 0, 0);
        assertThat(Ops.call("argsort", attrs("axis", "None", "is_ascend", false), x())).hasShape(24)
                .isCloseTo(new double[] {3, 14, 6, 17, 9, 20, 1, 12, 23, 4, 15, 7, 18, 10, 21, 2, 13, 5, 16, 8, 19, 0,
                        11, 22}, 0, 0);
    }

    @Test
    void nanSortsAboveEveryNumber() {
        NDArray v = NDArray.of(Shape.of(4), 2, Float.NaN, -1, Float.POSITIVE_INFINITY);
        assertThat(Ops.call("sort", v)).isCloseTo(new double[] {-1, 2, Double.POSITIVE_INFINITY, Double.NaN}, 0, 0);
        assertThat(Ops.call("argsort", attrs("is_ascend", false), v)).isCloseTo(new double[] {1, 3, 0, 2}, 0, 0);
    }

    @Test
    void float64TakesTheMergeSortPathWithTheSameOrder() {
        NDArray d = x().astype(DType.FLOAT64);
        assertThat(Ops.call("argsort", attrs("axis", 1, "is_ascend", false), d)).isCloseTo(new double[] {1, 2, 1, 0, 2,
                0, 2, 1, 0, 1, 0, 2, 2, 1, 0, 2, 0, 2, 1, 0, 1, 0, 2, 1}, 0, 0);
        assertThat(Ops.call("argsort", attrs("axis", 1), d)).isCloseTo(new double[] {0, 1, 0, 2, 2, 0, 2, 1, 1, 2, 1,
                0, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2}, 0, 0);
        NDArray v = NDArray.of(Shape.of(5), DType.FLOAT64, 2, Double.NaN, -1, Double.POSITIVE_INFINITY, -0.0);
        assertThat(Ops.call("sort", v)).isCloseTo(new double[] {-1, -0.0, 2, Double.POSITIVE_INFINITY, Double.NaN}, 0,
                0);
        assertThat(Ops.call("argsort", attrs("is_ascend", false), v)).isCloseTo(new double[] {1, 3, 0, 4, 2}, 0, 0);
    }

    @Test
    void signedZerosTieAndKeepTheirOrder() {
        NDArray v = NDArray.of(Shape.of(3), 0f, -0f, -1f);
        assertThat(Ops.call("argsort", v)).isCloseTo(new double[] {2, 0, 1}, 0, 0);
        assertThat(Ops.call("argsort", v.astype(DType.FLOAT64))).isCloseTo(new double[] {2, 0, 1}, 0, 0);
    }

    @Test
    void integerSortIsExact() {
        NDArray i = NDArray.from(new long[] {(1L << 60) + 1, 1L << 60, -4});
        assertThat(Ops.call("argsort", attrs("dtype", "int32"), i)).isCloseTo(new double[] {2, 1, 0}, 0, 0);
        org.assertj.core.api.Assertions.assertThat(Ops.call("sort", i).toLongArray())
                .containsExactly(-4, 1L << 60, (1L << 60) + 1);
    }

    @Test
    void topkDefaultsToTheIndexOfTheLargest() {
        assertThat(Ops.call("topk", x())).hasShape(2, 3, 1).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {3, 2, 1, 2, 1, 0}, 0, 0);
    }

    @Test
    void topkBothReturnsValuesAndIndices() {
        List<NDArray> out = Ops.invoke("topk", attrs("k", 2, "ret_typ", "both", "dtype", "int32"), x());
        assertThat(out.get(0)).hasShape(2, 3, 2).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {5, 2, 4, 1, 3, -1, 5, 2, 4, 0, 3, 2}, 0, 0);
        assertThat(out.get(1)).hasShape(2, 3, 2).hasDType(DType.INT32)
                .isCloseTo(new double[] {3, 1, 2, 0, 1, 2, 2, 0, 1, 2, 0, 3}, 0, 0);
    }

    @Test
    void topkAscendingAlongAnInnerAxis() {
        assertThat(Ops.call("topk", attrs("axis", 1, "k", 2, "is_ascend", true, "ret_typ", "value"), x()))
                .hasShape(2, 2, 4).isCloseTo(new double[] {-5, -3, -2, -5, -4, 2, -1, 0, -3, -2, -5, -4, 2, -1, 0, 1},
                        0, 0);
        assertThat(Ops.call("topk", attrs("axis", 1, "k", 2, "is_ascend", true), x()))
                .isCloseTo(new double[] {0, 1, 0, 2, 2, 0, 2, 1, 1, 0, 2, 1, 0, 2, 1, 0}, 0, 0);
    }

    @Test
    void topkMaskMarksTheSelectedPositions() {
        assertThat(Ops.call("topk", attrs("k", 2, "ret_typ", "mask"), x())).hasShape(2, 3, 4).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1}, 0, 0);
    }

    @Test
    void topkOverTheFlattenedArrayAndKBelowOneSelectsAll() {
        assertThat(Ops.call("topk", attrs("axis", "None", "k", 3), x())).hasShape(3)
                .isCloseTo(new double[] {3, 14, 6}, 0, 0);
        assertThat(Ops.call("topk", attrs("k", 0, "ret_typ", "value", "is_ascend", true), x()))
                .isCloseTo(Ops.call("sort", x()), 0, 0);
    }

    @Test
    void topkRejectsTooLargeKAndImpreciseIndexDtypes() {
        assertThatThrownBy(() -> Ops.call("topk", attrs("k", 5), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'topk'").hasMessageContaining("'k' = 5");
        NDArray big = NDArray.zeros(300);
        assertThatThrownBy(() -> Ops.call("argsort", attrs("dtype", "uint8"), big)).isInstanceOf(KilnException.class)
                .hasMessageContaining("uint8").hasMessageContaining("300");
        assertThatThrownBy(() -> Ops.call("topk", attrs("ret_typ", "all"), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("ret_typ");
        assertThatThrownBy(() -> Ops.call("sort", attrs("axis", 3), x())).isInstanceOf(KilnException.class)
                .hasMessageContaining("'axis' = 3");
    }

    @Test
    void largeSortMatchesTheKnownPermutation() {
        int n = 50_000;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((i * 7919L) % n); // a permutation of 0..n-1 since 7919 is prime and coprime to n
        }
        float[] sorted = Ops.call("sort", NDArray.of(Shape.of(n), v)).toFloatArray();
        for (int i = 0; i < n; i++) {
            org.assertj.core.api.Assertions.assertThat(sorted[i]).isEqualTo((float) i);
        }
    }
}
