package dev.kiln.ndarray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected strings are NumPy's {@code str(array)}, produced offline with python3 + numpy and pasted here. */
class NDArrayFormatTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    private static NDArray f32(Shape s, double... v) {
        return NDArray.of(s, DType.FLOAT32, v);
    }

    private static NDArray range(DType t, int n, double scale, int... dims) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * scale;
        }
        return NDArray.of(Shape.of(dims), t, v);
    }

    private static String str(NDArray a) {
        return NDArrayFormat.values(a);
    }

    @Test
    void toStringAddsMXNetsFooter() {
        NDArray a = f32(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertThat(a.toString()).isEqualTo("\n[[1. 2. 3.]\n [4. 5. 6.]]\n<NDArray 2x3 @cpu(0)>");
        assertThat(NDArray.scalar(2).copyTo(Device.gpu(1)).toString()).isEqualTo("\n2.0\n<NDArray  @gpu(1)>");
    }

    @Test
    void floatsDropTrailingZerosButAlignOnThePoint() {
        assertThat(str(f32(Shape.of(2), 0.1, 0.25))).isEqualTo("[0.1  0.25]");
        assertThat(str(f32(Shape.of(2), -0.0, 1))).isEqualTo("[-0.  1.]");
        assertThat(str(range(DType.FLOAT64, 6, 0.1, 6))).isEqualTo("[0.  0.1 0.2 0.3 0.4 0.5]");
    }

    @Test
    void floatsKeepAtMostEightFractionalDigits() {
        assertThat(str(NDArray.of(Shape.of(3), DType.FLOAT64, 1.0 / 3, 2.0 / 3, 1)))
                .isEqualTo("[0.33333333 0.66666667 1.        ]");
    }

    @Test
    void scientificNotationWhenMagnitudesDiffer() {
        assertThat(str(f32(Shape.of(2), 1e-5, 1))).isEqualTo("[1.e-05 1.e+00]");
        assertThat(str(NDArray.of(Shape.of(2), DType.FLOAT64, 1e10, 1))).isEqualTo("[1.e+10 1.e+00]");
        assertThat(str(NDArray.of(Shape.of(2), DType.FLOAT64, 1e-100, 1))).isEqualTo("[1.e-100 1.e+000]");
        assertThat(str(NDArray.of(Shape.of(2), DType.FLOAT64, 123456789.0, 1.5)))
                .isEqualTo("[1.23456789e+08 1.50000000e+00]");
        assertThat(str(f32(Shape.of(3), 0.123456789, -2.5, 1234.5678)))
                .isEqualTo("[ 1.2345679e-01 -2.5000000e+00  1.2345677e+03]");
    }

    @Test
    void scientificColumnsExtendShortValuesWithTheirExactDigits() {
        // the column has 7 digits; -657.1716 (shortest float32 digits) prints as -6.5717157e+02, not ...160e+02
        assertThat(str(f32(Shape.of(3), -657.1716, 2.9491026, -0.003967985)))
                .isEqualTo("[-6.5717157e+02  2.9491026e+00 -3.9679850e-03]");
        assertThat(str(NDArray.of(Shape.of(3), DType.FLOAT16, -7.3984375, 13.390625, -2.0265579223632812e-06)))
                .isEqualTo("[-7.398e+00  1.339e+01 -2.027e-06]");
    }

    @Test
    void largeFloat16ValuesPrintTheirExactIntegerAsNumpyOneDid() {
        // numpy 1.x switches to scientific only from 1e8 for every float type (numpy >= 2.3 uses 1e3 for float16)
        assertThat(str(NDArray.of(Shape.of(3), DType.FLOAT16, 54976, 9488, INF))).isEqualTo("[54976.  9488.    inf]");
    }

    @Test
    void float16UsesItsOwnShortestDigits() {
        assertThat(str(NDArray.of(Shape.of(3), DType.FLOAT16, 0.1, 0.2, 1000))).isEqualTo("[1.e-01 2.e-01 1.e+03]");
    }

    @Test
    void nanAndInfArePaddedToTheColumnWidth() {
        assertThat(str(f32(Shape.of(4), -1.5, 2, NAN, INF))).isEqualTo("[-1.5  2.   nan  inf]");
        assertThat(str(f32(Shape.of(2), NAN, -INF))).isEqualTo("[ nan -inf]");
    }

    @Test
    void integersAreRightAligned() {
        assertThat(str(NDArray.of(Shape.of(3), DType.INT64, -5, 100, 7))).isEqualTo("[ -5 100   7]");
        assertThat(str(NDArray.of(Shape.of(3), DType.UINT8, 255, 0, 3))).isEqualTo("[255   0   3]");
    }

    @Test
    void boolsPadTrueToTheWidthOfFalse() {
        assertThat(str(NDArray.of(Shape.of(3), DType.BOOL, 1, 0, 1))).isEqualTo("[ True False  True]");
    }

    @Test
    void nestedArraysSeparateBlocksWithBlankLines() {
        assertThat(str(range(DType.FLOAT32, 8, 1, 2, 2, 2))).isEqualTo("[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]]");
    }

    @Test
    void longRowsWrapAtSeventyFiveCharacters() {
        assertThat(str(range(DType.FLOAT32, 30, 1, 30))).isEqualTo(
                "[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n"
                        + " 18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29.]");
        assertThat(str(range(DType.INT32, 40, 1000, 40))).isEqualTo(
                "[    0  1000  2000  3000  4000  5000  6000  7000  8000  9000 10000 11000\n"
                        + " 12000 13000 14000 15000 16000 17000 18000 19000 20000 21000 22000 23000\n"
                        + " 24000 25000 26000 27000 28000 29000 30000 31000 32000 33000 34000 35000\n"
                        + " 36000 37000 38000 39000]");
    }

    @Test
    void arraysOverAThousandElementsAreSummarised() {
        assertThat(str(range(DType.INT32, 1001, 1, 1001))).isEqualTo("[   0    1    2 ...  998  999 1000]");
        assertThat(str(range(DType.FLOAT32, 1000, 1, 1000))).doesNotContain("...");
        // only the shown values decide the format: 0 .. 999 and 1000 .. 1999 give scientific notation
        assertThat(str(range(DType.FLOAT32, 2000, 1, 2, 1000))).isEqualTo(
                "[[0.000e+00 1.000e+00 2.000e+00 ... 9.970e+02 9.980e+02 9.990e+02]\n"
                        + " [1.000e+03 1.001e+03 1.002e+03 ... 1.997e+03 1.998e+03 1.999e+03]]");
    }

    @Test
    void summarisingCutsEveryLongAxis() {
        assertThat(str(range(DType.INT64, 1200, 1, 2, 10, 60))).isEqualTo(
                "[[[   0    1    2 ...   57   58   59]\n"
                        + "  [  60   61   62 ...  117  118  119]\n"
                        + "  [ 120  121  122 ...  177  178  179]\n"
                        + "  ...\n"
                        + "  [ 420  421  422 ...  477  478  479]\n"
                        + "  [ 480  481  482 ...  537  538  539]\n"
                        + "  [ 540  541  542 ...  597  598  599]]\n"
                        + "\n"
                        + " [[ 600  601  602 ...  657  658  659]\n"
                        + "  [ 660  661  662 ...  717  718  719]\n"
                        + "  [ 720  721  722 ...  777  778  779]\n"
                        + "  ...\n"
                        + "  [1020 1021 1022 ... 1077 1078 1079]\n"
                        + "  [1080 1081 1082 ... 1137 1138 1139]\n"
                        + "  [1140 1141 1142 ... 1197 1198 1199]]]");
    }

    @Test
    void zeroDimensionalArraysPrintTheScalar() {
        assertThat(str(NDArray.of(Shape.scalar(), DType.FLOAT32, 1.5))).isEqualTo("1.5");
        assertThat(str(NDArray.of(Shape.scalar(), DType.FLOAT32, 1e-5))).isEqualTo("1e-05");
        assertThat(str(NDArray.of(Shape.scalar(), DType.FLOAT32, 0.1))).isEqualTo("0.1");
        assertThat(str(NDArray.of(Shape.scalar(), DType.FLOAT64, 1))).isEqualTo("1.0");
        assertThat(str(NDArray.of(Shape.scalar(), DType.FLOAT64, 1e16))).isEqualTo("1e+16");
        assertThat(str(NDArray.of(Shape.scalar(), DType.INT32, 3))).isEqualTo("3");
        assertThat(str(NDArray.of(Shape.scalar(), DType.BOOL, 1))).isEqualTo("True");
    }

    @Test
    void emptyArraysPrintEmptyBrackets() {
        assertThat(str(NDArray.zeros(2, 0))).isEqualTo("[]");
        assertThat(NDArray.zeros(2, 0).toString()).isEqualTo("\n[]\n<NDArray 2x0 @cpu(0)>");
    }
}
