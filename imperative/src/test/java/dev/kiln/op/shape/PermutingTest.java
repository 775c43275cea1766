package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.kiln.op.shape.ShapeTestSupport.arange;
import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static dev.kiln.op.shape.ShapeTestSupport.call;
import static dev.kiln.op.shape.ShapeTestSupport.fails;
import static dev.kiln.testing.NDArrayAssert.assertThat;

class PermutingTest {
    // numpy: np.arange(24).reshape(2, 3, 4).transpose()
    private static final double[] REVERSED_AXES = {0, 12, 4, 16, 8, 20, 1, 13, 5, 17, 9, 21, 2, 14, 6, 18, 10, 22, 3,
            15, 7, 19, 11, 23};

    @Test
    void transposeWithoutAxesReversesThem() {
        assertThat(call("transpose", attrs(), arange(2, 3, 4))).hasShape(4, 3, 2).isCloseTo(REVERSED_AXES, 0, 0);
    }

    @Test
    void transposeFollowsAxes() {
        // numpy: x.transpose(1, 0, 2)
        assertThat(call("transpose", attrs("axes", "(1, 0, 2)"), arange(2, 3, 4))).hasShape(3, 2, 4)
                .isCloseTo(new double[] {0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20,
                        21, 22, 23}, 0, 0);
        // numpy: x.transpose(2, 0, 1), written with a negative axis
        assertThat(call("transpose", attrs("axes", new int[] {-1, 0, 1}), arange(2, 3, 4))).hasShape(4, 2, 3)
                .isCloseTo(new double[] {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11,
                        15, 19, 23}, 0, 0);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "INT32", "FLOAT16", "BOOL", "INT64", "FLOAT64", "UINT8"})
    void transposeMovesElementsOfEveryDType(DType t) {
        NDArray y = call("transpose", attrs(), arange(t, 2, 3));
        // numpy: np.arange(6).reshape(2, 3).T (bool: % 2)
        double[] expected = t == DType.BOOL ? new double[] {0, 1, 1, 0, 0, 1} : new double[] {0, 3, 1, 4, 2, 5};
        assertThat(y).hasShape(3, 2).hasDType(t).isCloseTo(expected, 0, 0);
    }

    @Test
    void transposeHandlesZeroSizeAndLargeArrays() {
        assertThat(call("transpose", attrs(), arange(0, 3))).hasShape(3, 0);
        NDArray big = arange(DType.INT32, 300, 257);
        NDArray t = call("transpose", attrs(), big);
        int[] v = t.toIntArray();
        for (int i = 0; i < 257; i++) {
            for (int j = 0; j < 300; j++) {
                if (v[i * 300 + j] != j * 257 + i) {
                    throw new AssertionError("element (" + i + ", " + j + ") is " + v[i * 300 + j]);
                }
            }
        }
    }

    /** Reference transpose by explicit index arithmetic, one element at a time. */
    private static double[] naiveTranspose(int[] dims, int[] axes) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        int r = dims.length;
        int[] inStrides = new int[r];
        for (int i = r - 1, acc = 1; i >= 0; acc *= dims[i], i--) {
            inStrides[i] = acc;
        }
        int[] outDims = new int[r];
        for (int i = 0; i < r; i++) {
            outDims[i] = dims[axes[i]];
        }
        double[] out = new double[n];
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            int src = 0;
            for (int i = r - 1; i >= 0; i--) {
                src += (rem % outDims[i]) * inStrides[axes[i]];
                rem /= outDims[i];
            }
            out[flat] = src;
        }
        return out;
    }

    @ParameterizedTest(name = "{0} by {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "3 5 70     | 0 2 1",
            "70 5 3     | 2 1 0",
            "2 33 3 40  | 2 0 3 1",
            "4 3 37 29  | 0 2 3 1",
            "4 3 37 29  | 0 3 1 2",
            "65 1 33    | 2 1 0"})
    void largerPermutationsMatchAnElementwiseReference(String shape, String axes) {
        int[] dims = java.util.Arrays.stream(shape.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
        int[] perm = java.util.Arrays.stream(axes.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
        NDArray y = call("transpose", attrs("axes", perm), arange(DType.INT32, dims));
        assertThat(y).hasDType(DType.INT32).isCloseTo(naiveTranspose(dims, perm), 0, 0);
    }

    @Test
    void transposeRejectsWrongLengthAndRepeatedAxes() {
        fails("transpose", attrs("axes", "(1, 0)"), arange(2, 3, 4)).hasMessageContaining("op 'transpose'")
                .hasMessageContaining("axes=(1, 0)").hasMessageContaining("(2, 3, 4)");
        fails("transpose", attrs("axes", "(0, 0, 1)"), arange(2, 3, 4)).hasMessageContaining("permutation");
        fails("transpose", attrs("axes", "(0, 1, 3)"), arange(2, 3, 4)).hasMessageContaining("axes=3");
    }

    @Test
    void swapAxisExchangesTwoAxes() {
        assertThat(call("SwapAxis", attrs("dim1", 0, "dim2", 2), arange(2, 3, 4))).hasShape(4, 3, 2)
                .isCloseTo(REVERSED_AXES, 0, 0);
        assertThat(call("swapaxes", attrs("dim1", -1, "dim2", 0), arange(2, 3, 4))).hasShape(4, 3, 2)
                .isCloseTo(REVERSED_AXES, 0, 0);
        assertThat(call("swapaxes", attrs(), arange(2, 3))).hasShape(2, 3)
                .isCloseTo(new double[] {0, 1, 2, 3, 4, 5}, 0, 0);
        fails("SwapAxis", attrs("dim1", 3), arange(2, 3, 4)).hasMessageContaining("op 'SwapAxis'")
                .hasMessageContaining("dim1=3");
    }

    @Test
    void reverseFlipsEachGivenAxis() {
        // numpy: np.flip(x, 1), np.flip(x, (0, 2)), np.flip(x, -1)
        assertThat(call("reverse", attrs("axis", 1), arange(2, 3, 4))).hasShape(2, 3, 4)
                .isCloseTo(new double[] {8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3, 20, 21, 22, 23, 16, 17, 18, 19, 12,
                        13, 14, 15}, 0, 0);
        assertThat(call("flip", attrs("axis", "(0, 2)"), arange(2, 3, 4)))
                .isCloseTo(new double[] {15, 14, 13, 12, 19, 18, 17, 16, 23, 22, 21, 20, 3, 2, 1, 0, 7, 6, 5, 4, 11,
                        10, 9, 8}, 0, 0);
        assertThat(call("flip", attrs("axis", -1), arange(DType.INT32, 2, 3, 4))).hasDType(DType.INT32)
                .isCloseTo(new double[] {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 19, 18, 17, 16, 23,
                        22, 21, 20}, 0, 0);
    }

    @Test
    void reverseTwiceAlongOneAxisIsTheIdentityAsInMXNet() {
        assertThat(call("reverse", attrs("axis", "(1, 1)"), arange(2, 3)))
                .isCloseTo(new double[] {0, 1, 2, 3, 4, 5}, 0, 0);
    }

    @Test
    void reverseWorksOnFloat16BoolAndEmptyArrays() {
        assertThat(call("reverse", attrs("axis", 0), arange(DType.FLOAT16, 3))).hasDType(DType.FLOAT16)
                .isCloseTo(new double[] {2, 1, 0}, 0, 0);
        assertThat(call("reverse", attrs("axis", 0), arange(DType.BOOL, 3))).hasDType(DType.BOOL)
                .isCloseTo(new double[] {0, 1, 0}, 0, 0);
        assertThat(call("reverse", attrs("axis", 1), arange(2, 0))).hasShape(2, 0);
        fails("reverse", attrs("axis", 2), arange(2, 3)).hasMessageContaining("op 'reverse'")
                .hasMessageContaining("axis=2").hasMessageContaining("(2, 3)");
    }
}
