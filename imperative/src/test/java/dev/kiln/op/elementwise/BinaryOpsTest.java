package dev.kiln.op.elementwise;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Binary tensor ops: every function's forward against numpy/Python references (with MXNet's mod-by-zero rule written
 * out), through its broadcasting and same-shape ops, in float64 and float32; broadcasting layouts; integer semantics;
 * names and errors.
 */
class BinaryOpsTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;
    static final double[] A = {-2.5, -1.0, 0.0, 0.5, 3.0, 7.25, -4.0, 2.0};
    static final double[] B = {1.5, -2.0, 3.0, 0.25, 3.0, -2.0, -4.0, 0.0};

    record Row(String function, double[] expected) {
        @Override
        public String toString() {
            return function;
        }
    }

    private static Row row(String function, double[] expected) {
        return new Row(function, expected);
    }

    static List<Row> rows() {
        return List.of(
            row("add", new double[] {-1.0, -3.0, 3.0, 0.75, 6.0, 5.25, -8.0, 2.0}),
            row("subtract", new double[] {-4.0, 1.0, -3.0, 0.25, 0.0, 9.25, 0.0, 2.0}),
            row("multiply", new double[] {-3.75, 2.0, 0.0, 0.125, 9.0, -14.5, 16.0, 0.0}),
            row("divide", new double[] {-1.6666666666666667, 0.5, 0.0, 2.0, 1.0, -3.625, 1.0, INF}),
            row("mod", new double[] {0.5, -1.0, 0.0, 0.0, 0.0, -0.75, -0.0, 0.0}),
            row("power", new double[] {NAN, 1.0, 0.0, 0.8408964152537145, 27.0, 0.019024970273483946, 0.00390625, 1.0}),
            row("maximum", new double[] {1.5, -1.0, 3.0, 0.5, 3.0, 7.25, -4.0, 2.0}),
            row("minimum", new double[] {-2.5, -2.0, 0.0, 0.25, 3.0, -2.0, -4.0, 0.0}),
            row("hypot", new double[] {2.9154759474226504, 2.23606797749979, 3.0, 0.5590169943749475, 4.242640687119285, 7.520804478245662, 5.656854249492381, 2.0}),
            row("arctan2", new double[] {-1.0303768265243125, -2.677945044588987, 0.0, 1.1071487177940904, 0.7853981633974483, 1.8399638195805972, -2.356194490192345, 1.5707963267948966}),
            row("equal", new double[] {0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0}),
            row("not_equal", new double[] {1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0}),
            row("greater", new double[] {0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0}),
            row("greater_equal", new double[] {0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0}),
            row("lesser", new double[] {1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0}),
            row("lesser_equal", new double[] {1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0}),
            row("logical_and", new double[] {1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0}),
            row("logical_or", new double[] {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}),
            row("logical_xor", new double[] {0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0})
        );
    }

    private static NDArray f64(double... v) {
        return NDArray.of(Shape.of(v.length), DType.FLOAT64, v);
    }

    private static NDArray arr(DType t, Shape s, double... v) {
        return NDArray.of(s, t, v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void broadcastingOpMatchesReferenceInFloat64(Row r) {
        NDArray y = Ops.call(r.function, f64(A), f64(B));
        assertThat(y).hasDType(DType.FLOAT64).isCloseTo(r.expected, 1e-15, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void broadcastingOpMatchesReferenceInFloat32(Row r) {
        NDArray y = Ops.call(r.function, arr(DType.FLOAT32, Shape.of(8), A), arr(DType.FLOAT32, Shape.of(8), B));
        assertThat(y).hasDType(DType.FLOAT32).isCloseTo(r.expected, 2e-7, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void broadcastingOpMatchesReferenceInFloat16(Row r) {
        NDArray y = Ops.call(r.function, arr(DType.FLOAT16, Shape.of(8), A), arr(DType.FLOAT16, Shape.of(8), B));
        assertThat(y).hasDType(DType.FLOAT16).isCloseTo(r.expected, 5e-4, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void sameShapeOpSharesTheMath(Row r) {
        BinaryOp broadcasting = (BinaryOp) OpRegistry.global().get(r.function);
        List<BinaryOp> sameShape = OpRegistry.global().ops().stream()
                .filter(op -> op instanceof BinaryOp b && !b.isBroadcasting() && b.math() == broadcasting.math())
                .map(op -> (BinaryOp) op).toList();
        if (r.function.equals("arctan2")) {
            assertThat(sameShape).isEmpty(); // MXNet has no legacy arctan2
            return;
        }
        assertThat(sameShape).hasSize(1);
        NDArray y = Ops.call(sameShape.get(0).name(), arr(DType.FLOAT32, Shape.of(2, 4), A),
                arr(DType.FLOAT32, Shape.of(2, 4), B));
        assertThat(y).hasShape(2, 4).isCloseTo(r.expected, 2e-7, 0);
    }

    @Test
    void everyFunctionHasAReferenceRowAndThreeKindsOfOp() {
        Set<String> covered = rows().stream().map(Row::function).collect(Collectors.toSet());
        assertThat(covered).hasSize(19);
        assertThat(new BinaryOps().ops()).hasSize(19 + 18 + 22);
    }

    @Test
    void mxnetNamesAreAliasesOfOneDefinitionPerKind() {
        OpRegistry r = OpRegistry.global();
        for (String n : List.of("broadcast_plus", "add")) {
            assertThat(r.get(n)).isSameAs(r.get("broadcast_add"));
        }
        for (String n : List.of("_add", "_plus", "_Plus", "_grad_add")) {
            assertThat(r.get(n)).isSameAs(r.get("elemwise_add"));
        }
        assertThat(r.get("broadcast_minus")).isSameAs(r.get("broadcast_sub"));
        assertThat(r.get("_Minus")).isSameAs(r.get("elemwise_sub"));
        assertThat(r.get("_Mul")).isSameAs(r.get("elemwise_mul"));
        assertThat(r.get("_Div")).isSameAs(r.get("elemwise_div"));
        assertThat(r.get("_Mod")).isSameAs(r.get("_mod"));
        assertThat(r.get("_Power")).isSameAs(r.get("_power"));
        assertThat(r.get("_npi_maximum")).isSameAs(r.get("broadcast_maximum"));
        assertThat(r.get("_Greater_Equal")).isSameAs(r.get("_greater_equal"));
        assertThat(r.get("_Logical_Xor")).isSameAs(r.get("_logical_xor"));
        assertThat(((BinaryOp) r.get("_plus")).math()).isSameAs(((BinaryOp) r.get("broadcast_add")).math())
                .isSameAs(((ScalarBinaryOp) r.get("_plus_scalar")).math()).isSameAs(Arithmetic.ADD);
    }

    @Test
    void broadcastsTrailingVector() {
        NDArray a = arr(DType.FLOAT32, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        NDArray b = arr(DType.FLOAT32, Shape.of(3), 10, 20, 30);
        assertThat(Ops.call("broadcast_add", a, b)).hasShape(2, 3).isCloseTo(new double[] {11, 22, 33, 14, 25, 36}, 0, 0);
        assertThat(Ops.call("broadcast_sub", b, a)).hasShape(2, 3).isCloseTo(new double[] {9, 18, 27, 6, 15, 24}, 0, 0);
    }

    @Test
    void broadcastsColumnAgainstRow() {
        NDArray col = arr(DType.FLOAT32, Shape.of(2, 1), 1, 2);
        NDArray row = arr(DType.FLOAT32, Shape.of(1, 3), 10, 20, 30);
        assertThat(Ops.call("broadcast_add", col, row)).hasShape(2, 3)
                .isCloseTo(new double[] {11, 21, 31, 12, 22, 32}, 0, 0);
        assertThat(Ops.call("broadcast_greater", row, col)).hasShape(2, 3).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {1, 1, 1, 1, 1, 1}, 0, 0);
        NDArray i32 = Ops.call("broadcast_mul", arr(DType.INT32, Shape.of(2, 1), 1, 2),
                arr(DType.INT32, Shape.of(1, 3), 10, 20, 30));
        assertThat(i32).hasDType(DType.INT32).isCloseTo(new double[] {10, 20, 30, 20, 40, 60}, 0, 0);
    }

    @Test
    void broadcastsAcrossThreeAndFourDimensions() {
        double[] a = new double[24];
        for (int i = 0; i < 24; i++) {
            a[i] = i;
        }
        NDArray x = arr(DType.FLOAT64, Shape.of(2, 3, 4), a);
        NDArray prod = Ops.call("broadcast_mul", x, arr(DType.FLOAT64, Shape.of(3, 1), 1, 2, 3));
        NDArray y = Ops.call("broadcast_sub", prod, arr(DType.FLOAT64, Shape.of(4), 0.5, 1, 2, 4));
        assertThat(y).hasShape(2, 3, 4).isCloseTo(new double[] {-0.5, 0.0, 0.0, -1.0, 7.5, 9.0, 10.0, 10.0, 23.5,
                26.0, 28.0, 29.0, 11.5, 12.0, 12.0, 11.0, 31.5, 33.0, 34.0, 34.0, 59.5, 62.0, 64.0, 65.0}, 1e-15, 0);
        double[] n = new double[12];
        for (int i = 0; i < 12; i++) {
            n[i] = i + 1;
        }
        NDArray z = Ops.call("broadcast_div", arr(DType.FLOAT32, Shape.of(2, 3, 2, 1), n),
                arr(DType.FLOAT32, Shape.of(1, 3, 1, 1), 10, 20, 30));
        assertThat(z).hasShape(2, 3, 2, 1).isCloseTo(new double[] {0.1, 0.2, 0.15, 0.2, 0.16666666666666666, 0.2,
                0.7, 0.8, 0.45, 0.5, 0.36666666666666664, 0.4}, 1e-7, 0);
    }

    @Test
    void broadcastsZeroDimensionalAndSizeOneOperands() {
        NDArray s = NDArray.scalar(2);
        NDArray m = arr(DType.FLOAT32, Shape.of(2, 2), 1, 2, 3, 4);
        assertThat(Ops.call("broadcast_power", m, s)).hasShape(2, 2).isCloseTo(new double[] {1, 4, 9, 16}, 0, 0);
        assertThat(Ops.call("broadcast_power", s, m)).hasShape(2, 2).isCloseTo(new double[] {2, 4, 8, 16}, 0, 0);
        assertThat(Ops.call("broadcast_add", s, s)).hasShape().isCloseTo(new double[] {4}, 0, 0);
        NDArray one = arr(DType.FLOAT16, Shape.of(1, 1), 0.5);
        assertThat(Ops.call("broadcast_mul", arr(DType.FLOAT16, Shape.of(3), 1, 3, 0.1), one)).hasShape(1, 3)
                .hasDType(DType.FLOAT16).isCloseTo(new double[] {0.5, 1.5, 0.04998779296875}, 0, 0);
    }

    @Test
    void zeroSizeDimsGiveEmptyResults() {
        NDArray e = NDArray.zeros(Shape.of(0, 3), DType.FLOAT32, Device.cpu());
        assertThat(Ops.call("broadcast_add", e, arr(DType.FLOAT32, Shape.of(3), 1, 2, 3))).hasShape(0, 3);
        NDArray f = NDArray.zeros(Shape.of(2, 0), DType.INT32, Device.cpu());
        assertThat(Ops.call("broadcast_mul", f, arr(DType.INT32, Shape.of(2, 1), 1, 2))).hasShape(2, 0);
        assertThat(Ops.call("elemwise_add", e, e)).hasShape(0, 3);
    }

    @Test
    void largeBroadcastsMatchElementwiseArithmetic() {
        int rows = 3;
        int cols = 70_001;
        float[] a = new float[rows * cols];
        float[] b = new float[cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 101) * 0.5f;
        }
        for (int j = 0; j < cols; j++) {
            b[j] = (j % 7) - 3f;
        }
        float[] sum = Ops.call("broadcast_add", NDArray.wrap(Shape.of(rows, cols), a), NDArray.wrap(Shape.of(cols), b))
                .floatData();
        float[] col = Ops.call("broadcast_mul", NDArray.wrap(Shape.of(rows, cols), a),
                NDArray.of(Shape.of(rows, 1), 1f, 2f, 3f)).floatData();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j += 997) {
                assertThat(sum[i * cols + j]).isEqualTo(a[i * cols + j] + b[j]);
                assertThat(col[i * cols + j]).isEqualTo(a[i * cols + j] * (i + 1));
            }
        }
        float[] same = Ops.call("elemwise_sub", NDArray.wrap(Shape.of(rows, cols), a),
                NDArray.wrap(Shape.of(rows, cols), a)).floatData();
        for (float v : same) {
            assertThat(v).isEqualTo(0f);
        }
    }

    @Test
    void modTakesTheDivisorsSignAndGivesZeroForZeroDivisor() {
        NDArray a = arr(DType.INT32, Shape.of(6), -5, 5, -5, 5, 7, -6);
        NDArray b = arr(DType.INT32, Shape.of(6), 3, -3, -3, 3, 0, 3);
        assertThat(Ops.call("broadcast_mod", a, b)).hasDType(DType.INT32)
                .isCloseTo(new double[] {1, -1, -2, 2, 0, 0}, 0, 0);
        NDArray fa = f64(-5.5, 5.5, 1, -5, 5);
        NDArray fb = f64(2, -2, 0, INF, NAN);
        assertThat(Ops.call("_mod", fa, fb)).isCloseTo(new double[] {0.5, -0.5, 0, INF, NAN}, 0, 0);
    }

    @Test
    void integerDivisionTruncatesAndRejectsZero() {
        NDArray a = arr(DType.INT64, Shape.of(3), 7, -7, 7);
        NDArray b = arr(DType.INT64, Shape.of(3), 2, 2, -2);
        assertThat(Ops.call("elemwise_div", a, b)).hasDType(DType.INT64).isCloseTo(new double[] {3, -3, -3}, 0, 0);
        assertThatThrownBy(() -> Ops.call("broadcast_div", a, arr(DType.INT64, Shape.of(1), 0)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("broadcast_div").hasMessageContaining("integer division by zero");
        NDArray f = Ops.call("broadcast_div", arr(DType.FLOAT32, Shape.of(3), 1, -1, 0), NDArray.scalar(0));
        assertThat(f).isCloseTo(new double[] {INF, -INF, NAN}, 0, 0);
    }

    @Test
    void integerArithmeticWrapsLikeCpp() {
        assertThat(Ops.call("_plus", arr(DType.INT32, Shape.of(1), Integer.MAX_VALUE), arr(DType.INT32, Shape.of(1), 1))
                .asLong()).isEqualTo(Integer.MIN_VALUE);
        assertThat(Ops.call("_plus", arr(DType.INT8, Shape.of(1), 100), arr(DType.INT8, Shape.of(1), 100))
                .asLong()).isEqualTo(-56);
        assertThat(Ops.call("_minus", arr(DType.UINT8, Shape.of(1), 3), arr(DType.UINT8, Shape.of(1), 5))
                .asLong()).isEqualTo(254);
        long[] big = {3037000499L};
        NDArray x = NDArray.wrap(Shape.of(1), DType.INT64, Device.cpu(), big);
        assertThat(Ops.call("_mul", x, x).asLong()).isEqualTo(9223372030926249001L);
        long[] huge = {(1L << 62) + 1};
        NDArray h = NDArray.wrap(Shape.of(1), DType.INT64, Device.cpu(), huge);
        assertThat(Ops.call("broadcast_maximum", h, x).asLong()).isEqualTo((1L << 62) + 1);
    }

    @Test
    void integerPowerGoesThroughFloat32AsMXNetsPowf() {
        NDArray a = arr(DType.INT32, Shape.of(4), 2, 3, 2, 0);
        NDArray b = arr(DType.INT32, Shape.of(4), 10, 16, -1, -1);
        // 3^16 = 43046721 is not a float32; 2^-1 truncates to 0; 0^-1 = inf converts to INT_MIN
        assertThat(Ops.call("_power", a, b)).hasDType(DType.INT32)
                .isCloseTo(new double[] {1024, 43046720, 0, Integer.MIN_VALUE}, 0, 0);
    }

    @Test
    void nanAndInfinityFollowMXNet() {
        NDArray a = f64(NAN, 1, NAN, 1, INF, NAN);
        NDArray b = f64(1, NAN, NAN, NAN, NAN, 0);
        assertThat(Ops.call("maximum", a, b)).isCloseTo(new double[] {NAN, NAN, NAN, NAN, NAN, NAN}, 0, 0);
        assertThat(Ops.call("minimum", a, b)).isCloseTo(new double[] {NAN, NAN, NAN, NAN, NAN, NAN}, 0, 0);
        assertThat(Ops.call("equal", a, b)).isCloseTo(new double[] {0, 0, 0, 0, 0, 0}, 0, 0);
        assertThat(Ops.call("not_equal", a, b)).isCloseTo(new double[] {1, 1, 1, 1, 1, 1}, 0, 0);
        assertThat(Ops.call("logical_and", a, b)).isCloseTo(new double[] {1, 1, 1, 1, 1, 0}, 0, 0);
        assertThat(Ops.call("power", a, b)).isCloseTo(new double[] {NAN, 1, NAN, 1, NAN, 1}, 0, 0);
        assertThat(Ops.call("hypot", a, b)).isCloseTo(new double[] {NAN, NAN, NAN, NAN, INF, NAN}, 0, 0);
        assertThat(Ops.call("power", f64(-1), f64(INF)).asScalar()).isEqualTo(1.0);
    }

    @Test
    void comparisonsKeepTheInputDType() {
        NDArray a = arr(DType.INT32, Shape.of(3), 1, 2, 3);
        NDArray b = arr(DType.INT32, Shape.of(3), 3, 2, 1);
        assertThat(Ops.call("_lesser_equal", a, b)).hasDType(DType.INT32).isCloseTo(new double[] {1, 1, 0}, 0, 0);
        NDArray bf = Ops.call("broadcast_not_equal", arr(DType.BFLOAT16, Shape.of(2), 1, 2),
                arr(DType.BFLOAT16, Shape.of(2), 1, 3));
        assertThat(bf).hasDType(DType.BFLOAT16).isCloseTo(new double[] {0, 1}, 0, 0);
        NDArray bools = Ops.call("logical_xor", arr(DType.BOOL, Shape.of(4), 0, 0, 1, 1),
                arr(DType.BOOL, Shape.of(4), 0, 1, 0, 1));
        assertThat(bools).hasDType(DType.BOOL).isCloseTo(new double[] {0, 1, 1, 0}, 0, 0);
    }

    @Test
    void incompatibleBroadcastNamesTheOpAndBothShapes() {
        NDArray a = NDArray.zeros(2, 3);
        NDArray b = NDArray.zeros(4);
        assertThatThrownBy(() -> Ops.call("broadcast_plus", a, b)).isInstanceOf(KilnException.class)
                .hasMessageContaining("broadcast_add").hasMessageContaining("(2, 3)").hasMessageContaining("(4,)");
    }

    @Test
    void sameShapeOpsRejectDifferentShapes() {
        NDArray a = NDArray.zeros(2, 3);
        NDArray b = NDArray.zeros(3);
        assertThatThrownBy(() -> Ops.call("_plus", a, b)).isInstanceOf(KilnException.class)
                .hasMessageContaining("elemwise_add").hasMessageContaining("(2, 3)").hasMessageContaining("(3,)")
                .hasMessageContaining("broadcast_add");
        assertThatThrownBy(() -> Ops.call("_equal", a, b)).hasMessageContaining("_equal");
    }

    @Test
    void mismatchedDTypesNameBoth() {
        NDArray a = NDArray.zeros(2);
        NDArray b = NDArray.zeros(Shape.of(2), DType.INT32, Device.cpu());
        assertThatThrownBy(() -> Ops.call("broadcast_add", a, b)).isInstanceOf(KilnException.class)
                .hasMessageContaining("float32").hasMessageContaining("int32");
        assertThatThrownBy(() -> Ops.call("elemwise_mul", a, b)).hasMessageContaining("float32")
                .hasMessageContaining("int32");
    }

    @Test
    void wrongInputCountIsAnError() {
        assertThatThrownBy(() -> Ops.call("add", Map.of(), NDArray.zeros(2))).isInstanceOf(KilnException.class)
                .hasMessageContaining("lhs");
    }

    @Test
    void sameShapeOpsInferPartialShapes() {
        BinaryOp op = (BinaryOp) OpRegistry.global().get("elemwise_add");
        assertThat(op.inferShapes(op.defaultAttrs(), List.of(Shape.partial(-1, 3), Shape.partial(2, -1))))
                .containsExactly(Shape.of(2, 3));
    }
}
