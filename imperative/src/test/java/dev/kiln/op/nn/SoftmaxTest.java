package dev.kiln.op.nn;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SoftmaxTest {
    // expectations computed offline with numpy in float64
    private static final double[] X = {1.0, 2.0, 3.0, 4.0, -1.0, 0.5, 0.25, 8.0, 1000., 1001., 1002., 999.};
    private static final double[] SOFTMAX_LAST = {0.03205860328008499, 0.08714431874203257, 0.23688281808991013,
            0.6439142598879724, 0.00012327331135039617, 0.0005524726521434519, 0.0004302661341148561,
            0.9988939879023914, 0.08714431874203257, 0.23688281808991013, 0.6439142598879724, 0.03205860328008499};
    private static final double[] X3 = {-2.0, -1.7, -1.4, -1.1, -0.8, -0.5, -0.2, 0.1, 0.4, 0.7, 1.0, 1.3, 1.6,
            1.9, 2.2, 2.5, 2.8, 3.1, 3.4, 3.7, 4.0, 4.3, 4.6, 4.9};

    private static NDArray x(DType t) {
        return NDArray.of(Shape.of(3, 4), t, X);
    }

    @Test
    void softmaxOverLastAxisIsStableForLargeLogits() {
        assertThat(Ops.call("softmax", x(DType.FLOAT32))).hasShape(3, 4).hasDType(DType.FLOAT32)
                .isCloseTo(SOFTMAX_LAST, 1e-6, 1e-7);
        assertThat(Ops.call("softmax", x(DType.FLOAT64))).isCloseTo(SOFTMAX_LAST, 1e-13, 1e-16);
    }

    @Test
    void softmaxAlongAxisZero() {
        assertThat(Ops.call("softmax", Map.of("axis", 0), x(DType.FLOAT64)))
                .isCloseTo(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, 0, 1e-300);
    }

    @Test
    void softmaxAlongMiddleAxisOfThreeDims() {
        NDArray x3 = NDArray.of(Shape.of(2, 3, 4), DType.FLOAT64, X3);
        double a = 0.06517505598226614;
        double b = 0.21638880630702365;
        double c = 0.7184361377107101;
        double[] expected = {a, a, a, a, b, b, b, b, c, c, c, c, a, a, a, a, b, b, b, b, c, c, c, c};
        assertThat(Ops.call("softmax", Map.of("axis", 1), x3)).isCloseTo(expected, 1e-12, 0);
        assertThat(Ops.call("softmax", Map.of("axis", "-2"), x3)).isCloseTo(expected, 1e-12, 0);
    }

    @Test
    void softmaxWithTemperatureDividesLogitsFirst() {
        assertThat(Ops.call("softmax", Map.of("temperature", 2.0), x(DType.FLOAT32))).isCloseTo(new double[] {
                0.1015363240915518, 0.16740509727844333, 0.27600434470659363, 0.45505423392341127,
                0.010526052386140785, 0.022283653076325925, 0.019665254818127323, 0.947525039719406,
                0.16740509727844333, 0.27600434470659363, 0.45505423392341127, 0.1015363240915518}, 1e-6, 1e-7);
    }

    @Test
    void logSoftmaxIsStable() {
        assertThat(Ops.call("log_softmax", x(DType.FLOAT64))).isCloseTo(new double[] {
                -3.4401896985611953, -2.4401896985611953, -1.4401896985611953, -0.4401896985611953,
                -9.001106624180345, -7.501106624180344, -7.751106624180344, -0.0011066241803442225,
                -2.4401896985611953, -1.4401896985611953, -0.4401896985611953, -3.4401896985611953}, 1e-12, 0);
        assertThat(Ops.call("log_softmax", x(DType.FLOAT32))).isCloseTo(new double[] {
                -3.4401896985611953, -2.4401896985611953, -1.4401896985611953, -0.4401896985611953,
                -9.001106624180345, -7.501106624180344, -7.751106624180344, -0.0011066241803442225,
                -2.4401896985611953, -1.4401896985611953, -0.4401896985611953, -3.4401896985611953}, 1e-6, 1e-6);
    }

    @Test
    void logSoftmaxAlongNegativeAxis() {
        NDArray x3 = NDArray.of(Shape.of(2, 3, 4), DType.FLOAT64, X3);
        double a = -2.7306784602098735;
        double b = -1.5306784602098737;
        double c = -0.3306784602098737;
        assertThat(Ops.call("log_softmax", Map.of("axis", -2), x3))
                .isCloseTo(new double[] {a, a, a, a, b, b, b, b, c, c, c, c, a, a, a, a, b, b, b, b, c, c, c, c},
                        1e-12, 0);
    }

    @Test
    void softminIsSoftmaxOfNegatedInput() {
        assertThat(Ops.call("softmin", x(DType.FLOAT32))).isCloseTo(new double[] {0.6439142598879724,
                0.23688281808991013, 0.08714431874203257, 0.03205860328008499, 0.6623576474102462,
                0.14779196794218544, 0.189768643220066, 8.174142750221247e-05, 0.23688281808991013,
                0.08714431874203257, 0.03205860328008499, 0.6439142598879724}, 1e-6, 1e-7);
    }

    @Test
    void dtypeAttributeSetsOutputDtype() {
        NDArray out = Ops.call("softmax", Map.of("dtype", "float64"), x(DType.FLOAT32));
        assertThat(out).hasDType(DType.FLOAT64).isCloseTo(SOFTMAX_LAST, 1e-6, 1e-7);
        assertThat(Ops.call("log_softmax", Map.of("dtype", "float16"), x(DType.FLOAT32))).hasDType(DType.FLOAT16);
    }

    @Test
    void dtypeAttributeMustBeAFloatType() {
        assertThatThrownBy(() -> Ops.call("softmax", Map.of("dtype", "int32"), x(DType.FLOAT32)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'dtype'").hasMessageContaining("int32");
    }

    @Test
    void float16AccumulatesInHalfPrecisionAsMXNet() {
        NDArray h = NDArray.of(Shape.of(12), DType.FLOAT16, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1,
                1.2);
        // numpy emulation of MXNet's default half-precision steps: shifted logits, running sum and quotient in
        // float16, exponentials in float32
        assertThat(Ops.call("softmax", h)).hasDType(DType.FLOAT16).isCloseTo(new double[] {0.0452880859375,
                0.050079345703125, 0.0552978515625, 0.061126708984375, 0.06756591796875, 0.07470703125,
                0.08251953125, 0.0911865234375, 0.10076904296875, 0.11138916015625, 0.123046875,
                0.1361083984375}, 0, 0);
    }

    @Test
    void lengthMasksPositionsBeyondEachRowsLength() {
        NDArray data = NDArray.of(Shape.of(2, 4), 1f, 2f, 3f, 4f, -1f, 0.5f, 0.25f, 8f);
        double[] expected = {0.2689414213699951, 0.7310585786300049, 0.0, 0.0, 0.11145747105020275,
                0.4995177298132149, 0.3890247991365822, 0.0};
        NDArray len32 = NDArray.of(Shape.of(2), DType.INT32, 2, 3);
        NDArray len64 = NDArray.of(Shape.of(2), DType.INT64, 2, 3);
        assertThat(Ops.call("softmax", Map.of("use_length", true), data, len32)).isCloseTo(expected, 1e-6, 0);
        assertThat(Ops.call("softmax", Map.of("use_length", "True"), data, len64)).isCloseTo(expected, 1e-6, 0);
    }

    @Test
    void lengthAlongAxisZeroMasksColumns() {
        NDArray data = NDArray.of(Shape.of(3, 2), DType.FLOAT64, 0.5, 1.0, 2.0, -1.0, 3.0, 0.0);
        NDArray len = NDArray.of(Shape.of(2), DType.INT32, 1, 3);
        assertThat(Ops.call("softmax", Map.of("use_length", true, "axis", 0), data, len)).isCloseTo(new double[] {
                1.0, 0.6652409557748218, 0.0, 0.09003057317038046, 0.0, 0.24472847105479764}, 1e-12, 0);
    }

    @Test
    void zeroLengthGivesAllZeros() {
        NDArray data = NDArray.of(Shape.of(1, 3), 1f, 2f, 3f);
        NDArray len = NDArray.of(Shape.of(1), DType.INT32, 0);
        assertThat(Ops.call("softmax", Map.of("use_length", true), data, len)).isCloseTo(new double[] {0, 0, 0}, 0,
                0);
    }

    @Test
    void lengthInputIsListedOnlyWithUseLength() {
        var op = OpRegistry.global().get("softmax");
        assertThat(op.inputNames(op.defaultAttrs())).containsExactly("data");
        assertThat(op.inputNames(op.attrs(Map.of("use_length", true)))).containsExactly("data", "length");
    }

    @Test
    void lengthOfWrongShapeNamesLengthAndBothShapes() {
        NDArray data = NDArray.zeros(2, 4);
        NDArray len = NDArray.of(Shape.of(4), DType.INT32, 1, 1, 1, 1);
        assertThatThrownBy(() -> Ops.call("softmax", Map.of("use_length", true), data, len))
                .isInstanceOf(KilnException.class).hasMessageContaining("'length'")
                .hasMessageContaining("(4,)").hasMessageContaining("(2,)").hasMessageContaining("(2, 4)");
    }

    @Test
    void lengthBeyondTheAxisIsRejected() {
        NDArray data = NDArray.zeros(1, 3);
        NDArray len = NDArray.of(Shape.of(1), DType.INT32, 4);
        assertThatThrownBy(() -> Ops.call("softmax", Map.of("use_length", true), data, len))
                .isInstanceOf(KilnException.class).hasMessageContaining("'length'").hasMessageContaining("4");
    }

    @Test
    void floatLengthIsRejected() {
        NDArray data = NDArray.zeros(1, 3);
        assertThatThrownBy(() -> Ops.call("softmax", Map.of("use_length", true), data, NDArray.ones(1)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'length'").hasMessageContaining("float32");
    }

    @Test
    void onlySoftmaxAcceptsUseLength() {
        assertThatThrownBy(() -> Ops.call("log_softmax", Map.of("use_length", true), NDArray.zeros(1, 3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("use_length");
    }

    @Test
    void axisOutOfRangeNamesAxisAndShape() {
        assertThatThrownBy(() -> Ops.call("softmax", Map.of("axis", 2), NDArray.zeros(2, 3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'axis'").hasMessageContaining("(2, 3)");
    }

    @Test
    void integerDataIsRejected() {
        assertThatThrownBy(() -> Ops.call("softmax", NDArray.of(Shape.of(2), DType.INT64, 1, 2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("int64");
    }

    @Test
    void emptyAxisGivesEmptyOutput() {
        assertThat(Ops.call("softmax", NDArray.zeros(3, 0))).hasShape(3, 0);
        assertThat(Ops.call("softmax", NDArray.zeros(0, 4))).hasShape(0, 4);
    }

    @Test
    void attributesRoundTripInMXNetStringForm() {
        var op = OpRegistry.global().get("softmax");
        var attrs = op.attrs(Map.of("axis", "1", "temperature", "0.5", "dtype", "float16"));
        assertThat(attrs.toMXNetStrings(op)).containsEntry("axis", "1").containsEntry("temperature", "0.5")
                .containsEntry("dtype", "float16");
        assertThat(op.defaultAttrs().get(SoftmaxOp.TEMPERATURE)).isNull();
    }

    @Test
    void largeInputSplitAcrossThreadsMatchesRowByRowResults() {
        int rows = 3000;
        int cols = 7;
        float[] v = new float[rows * cols];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 3);
        }
        NDArray all = Ops.call("log_softmax", Map.of("temperature", 1.5), NDArray.of(Shape.of(rows, cols), v));
        float[] got = all.toFloatArray();
        for (int row = 0; row < rows; row += 97) {
            float[] one = java.util.Arrays.copyOfRange(v, row * cols, (row + 1) * cols);
            NDArray single = Ops.call("log_softmax", Map.of("temperature", 1.5), NDArray.of(Shape.of(1, cols), one));
            assertThat(java.util.Arrays.copyOfRange(got, row * cols, (row + 1) * cols))
                    .containsExactly(single.toFloatArray());
        }
    }

    @Test
    void contiguousFloatRowsGiveBitwiseTheStridedPathsResults() {
        // rows along the last axis take the direct float32 path; the same rows along axis 0 of the transpose take
        // the general gather/scatter path
        java.util.Random r = new java.util.Random(7);
        double[] v = new double[5 * 37];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian() * 20;
        }
        NDArray x = NDArray.of(Shape.of(5, 37), DType.FLOAT32, v);
        NDArray xt = Ops.call("transpose", x);
        NDArray len = NDArray.of(Shape.of(5), DType.INT32, new double[] {37, 0, 1, 20, 36});
        for (Map<String, Object> attrs : java.util.List.<Map<String, Object>>of(Map.of(), Map.of("temperature", 0.7),
                Map.of("use_length", true))) {
            for (String op : java.util.List.of("softmax", "log_softmax", "softmin")) {
                if (attrs.containsKey("use_length") && !op.equals("softmax")) {
                    continue;
                }
                Map<String, Object> along0 = new java.util.HashMap<>(attrs);
                along0.put("axis", 0);
                NDArray fast = attrs.containsKey("use_length") ? Ops.call(op, attrs, x, len) : Ops.call(op, attrs, x);
                NDArray strided = attrs.containsKey("use_length") ? Ops.call(op, along0, xt, len)
                        : Ops.call(op, along0, xt);
                NDArray back = Ops.call("transpose", strided);
                for (int i = 0; i < v.length; i++) {
                    assertThat(Float.floatToIntBits((float) fast.getDouble(i))).as("%s %s at %d", op, attrs, i)
                            .isEqualTo(Float.floatToIntBits((float) back.getDouble(i)));
                }
            }
        }
    }

    @Test
    void vectorAndScalarFloatRowsAgreeBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.kiln.kernel.simd.VectorSupport.isAvailable());
        java.util.Random r = new java.util.Random(11);
        int m = 203;
        int rows = 5;
        float[] x = new float[rows * m];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * (i < m ? 3 : 40));
        }
        // third row: zeros of both signs as the largest values; second row: NaNs after the first vector, in both of
        // the vector maximum's chains; fourth and fifth: a NaN first, and a NaN inside the first vector
        for (int i = 2 * m; i < 3 * m; i++) {
            x[i] = -Math.abs(x[i]);
        }
        x[2 * m + 5] = -0f;
        x[2 * m + 9] = 0f;
        x[m + 20] = Float.NaN;
        x[m + 40] = Float.NaN;
        x[3 * m] = Float.NaN;
        x[4 * m + 3] = Float.NaN;
        for (boolean log : new boolean[] {false, true}) {
            for (boolean negate : new boolean[] {false, true}) {
                for (float temp : new float[] {1f, 0.3f}) {
                    for (int len : new int[] {m, 17, 0}) {
                        float[] scalar = new float[x.length];
                        float[] vector = new float[x.length];
                        for (int row = 0; row < rows; row++) {
                            SoftmaxKernel.floatRow(x, scalar, row * m, m, len, temp, negate, log, false);
                            SoftmaxKernel.floatRow(x, vector, row * m, m, len, temp, negate, log, true);
                        }
                        for (int i = 0; i < x.length; i++) {
                            assertThat(Float.floatToIntBits(vector[i])).as("log %s negate %s temp %s len %s at %d",
                                    log, negate, temp, len, i).isEqualTo(Float.floatToIntBits(scalar[i]));
                        }
                    }
                }
            }
        }
    }
}
