package dev.kiln.op.elementwise;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code _*_scalar} ops against Python references for scalar 2, and MXNet 1.9's scalar dtype rules. */
class ScalarBinaryOpsTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    static final double[] X = {-2.5, 0.0, 1.5, 4.0, -3.0, 2.0};

    record Row(String op, double[] expected) {
        @Override
        public String toString() {
            return op;
        }
    }

    private static Row row(String op, double[] expected) {
        return new Row(op, expected);
    }

    static List<Row> rows() {
        return List.of(
            row("_plus_scalar", new double[] {-0.5, 2.0, 3.5, 6.0, -1.0, 4.0}),
            row("_minus_scalar", new double[] {-4.5, -2.0, -0.5, 2.0, -5.0, 0.0}),
            row("_rminus_scalar", new double[] {4.5, 2.0, 0.5, -2.0, 5.0, 0.0}),
            row("_mul_scalar", new double[] {-5.0, 0.0, 3.0, 8.0, -6.0, 4.0}),
            row("_div_scalar", new double[] {-1.25, 0.0, 0.75, 2.0, -1.5, 1.0}),
            row("_rdiv_scalar", new double[] {-0.8, INF, 1.3333333333333333, 0.5, -0.6666666666666666, 1.0}),
            row("_mod_scalar", new double[] {1.5, 0.0, 1.5, 0.0, 1.0, 0.0}),
            row("_rmod_scalar", new double[] {-0.5, 0.0, 0.5, 2.0, -1.0, 0.0}),
            row("_power_scalar", new double[] {6.25, 0.0, 2.25, 16.0, 9.0, 4.0}),
            row("_rpower_scalar", new double[] {0.1767766952966369, 1.0, 2.8284271247461903, 16.0, 0.125, 4.0}),
            row("_maximum_scalar", new double[] {2.0, 2.0, 2.0, 4.0, 2.0, 2.0}),
            row("_minimum_scalar", new double[] {-2.5, 0.0, 1.5, 2.0, -3.0, 2.0}),
            row("_hypot_scalar", new double[] {3.2015621187164243, 2.0, 2.5, 4.47213595499958, 3.605551275463989, 2.8284271247461903}),
            row("_equal_scalar", new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 1.0}),
            row("_not_equal_scalar", new double[] {1.0, 1.0, 1.0, 1.0, 1.0, 0.0}),
            row("_greater_scalar", new double[] {0.0, 0.0, 0.0, 1.0, 0.0, 0.0}),
            row("_greater_equal_scalar", new double[] {0.0, 0.0, 0.0, 1.0, 0.0, 1.0}),
            row("_lesser_scalar", new double[] {1.0, 1.0, 1.0, 0.0, 1.0, 0.0}),
            row("_lesser_equal_scalar", new double[] {1.0, 1.0, 1.0, 0.0, 1.0, 1.0}),
            row("_logical_and_scalar", new double[] {1.0, 0.0, 1.0, 1.0, 1.0, 1.0}),
            row("_logical_or_scalar", new double[] {1.0, 1.0, 1.0, 1.0, 1.0, 1.0}),
            row("_logical_xor_scalar", new double[] {0.0, 1.0, 0.0, 0.0, 0.0, 0.0})
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void float64MatchesReference(Row r) {
        NDArray y = Ops.call(r.op, Map.of("scalar", 2.0), NDArray.of(Shape.of(2, 3), DType.FLOAT64, X));
        assertThat(y).hasShape(2, 3).hasDType(DType.FLOAT64).isCloseTo(r.expected, 1e-15, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void float32MatchesReferenceWithScalarGivenAsMXNetString(Row r) {
        NDArray y = Ops.call(r.op, Map.of("scalar", "2"), NDArray.of(Shape.of(6), DType.FLOAT32, X));
        assertThat(y).hasDType(DType.FLOAT32).isCloseTo(r.expected, 2e-7, 0);
    }

    @Test
    void everyScalarOpHasAReferenceRow() {
        List<String> scalarOps = new BinaryOps().ops().stream().filter(op -> op instanceof ScalarBinaryOp)
                .map(op -> op.name()).toList();
        assertThat(rows().stream().map(Row::op).toList()).containsExactlyInAnyOrderElementsOf(scalarOps);
    }

    @Test
    void scalarDefaultsToOneAndIsIntToTrue() {
        ScalarBinaryOp op = (ScalarBinaryOp) OpRegistry.global().get("_plus_scalar");
        assertThat(op.defaultAttrs().get(ScalarBinaryOp.SCALAR)).isEqualTo(1.0);
        assertThat(op.defaultAttrs().get(ScalarBinaryOp.IS_INT)).isTrue();
        assertThat(Ops.call("_plus_scalar", NDArray.scalar(1)).asScalar()).isEqualTo(2.0);
        assertThat(op.attrs(Map.of("scalar", "0.5", "is_int", "False")).toMXNetStrings(op))
                .containsEntry("scalar", "0.5").containsEntry("is_int", "False");
    }

    @Test
    void integerInputCastsTheScalarToItsDTypeWhenIsIntIsTrue() {
        NDArray x = NDArray.of(Shape.of(3), DType.INT32, 1, 2, -7);
        assertThat(Ops.call("_plus_scalar", Map.of("scalar", 2.7), x)).isEqualTo(NDArray.of(Shape.of(3), DType.INT32,
                3, 4, -5));
        assertThat(Ops.call("_div_scalar", Map.of("scalar", 2), x)).isEqualTo(NDArray.of(Shape.of(3), DType.INT32,
                0, 1, -3));
        assertThat(Ops.call("_mod_scalar", Map.of("scalar", 3), x)).isEqualTo(NDArray.of(Shape.of(3), DType.INT32,
                1, 2, 2));
        assertThat(Ops.call("_rpower_scalar", Map.of("scalar", 2), x)).isEqualTo(NDArray.of(Shape.of(3), DType.INT32,
                2, 4, 0));
    }

    @Test
    void integerInputComputesInFloat64WhenIsIntIsFalse() {
        NDArray x = NDArray.of(Shape.of(3), DType.INT32, 1, 2, -7);
        NDArray y = Ops.call("_plus_scalar", Map.of("scalar", 2.5, "is_int", false), x);
        assertThat(y).hasDType(DType.FLOAT64).isCloseTo(new double[] {3.5, 4.5, -4.5}, 0, 0);
        NDArray z = Ops.call("_rdiv_scalar", Map.of("scalar", "1", "is_int", "False"), x);
        assertThat(z).hasDType(DType.FLOAT64).isCloseTo(new double[] {1, 0.5, -1.0 / 7}, 1e-16, 0);
    }

    @Test
    void boolInputComputesInInt64OrFloat64() {
        NDArray b = NDArray.of(Shape.of(2), DType.BOOL, 1, 0);
        assertThat(Ops.call("_mul_scalar", Map.of("scalar", 3), b)).isEqualTo(NDArray.of(Shape.of(2), DType.INT64, 3,
                0));
        assertThat(Ops.call("_minus_scalar", Map.of("scalar", 0.5, "is_int", false), b)).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {0.5, -0.5}, 0, 0);
    }

    @Test
    void halfPrecisionRoundsTheScalarFirst() {
        NDArray h = NDArray.of(Shape.of(1), DType.FLOAT16, 3);
        assertThat(Ops.call("_mul_scalar", Map.of("scalar", 0.1), h)).hasDType(DType.FLOAT16)
                .isCloseTo(new double[] {0.2998046875}, 0, 0);
    }

    @Test
    void reversedOpsPutTheScalarOnTheLeft() {
        NDArray x = NDArray.of(Shape.of(3), DType.FLOAT64, -2.5, 1.5, 4);
        assertThat(Ops.call("_rpower_scalar", Map.of("scalar", 2), x))
                .isCloseTo(new double[] {0.1767766952966369, 2.8284271247461903, 16}, 1e-15, 0);
        assertThat(Ops.call("_RMinusScalar", Map.of("scalar", 1), x)).isCloseTo(new double[] {3.5, -0.5, -3}, 0, 0);
        NDArray d = NDArray.of(Shape.of(3), DType.FLOAT64, -3, 1.5, 4);
        assertThat(Ops.call("_rmod_scalar", Map.of("scalar", 5), d)).isCloseTo(new double[] {-1, 0.5, 1}, 0, 0);
    }

    @Test
    void integerDivisionByZeroIsAnErrorNamingTheOp() {
        NDArray x = NDArray.of(Shape.of(2), DType.INT32, 1, 0);
        assertThatThrownBy(() -> Ops.call("_rdiv_scalar", Map.of("scalar", 4), x)).isInstanceOf(KilnException.class)
                .hasMessageContaining("_rdiv_scalar").hasMessageContaining("division by zero");
        assertThat(Ops.call("_div_scalar", Map.of("scalar", 0), NDArray.of(Shape.of(1), DType.FLOAT32, 1)).asScalar())
                .isEqualTo(INF);
    }

    @Test
    void scalarComparisonsKeepTheInputDType() {
        NDArray x = NDArray.of(Shape.of(3), DType.INT64, 1, 5, 9);
        assertThat(Ops.call("_greater_scalar", Map.of("scalar", 4), x)).isEqualTo(NDArray.of(Shape.of(3), DType.INT64,
                0, 1, 1));
    }

    @Test
    void unknownAttributeAndBadScalarAreRejected() {
        NDArray x = NDArray.zeros(2);
        assertThatThrownBy(() -> Ops.call("_plus_scalar", Map.of("scalr", 1), x)).isInstanceOf(KilnException.class)
                .hasMessageContaining("scalr");
        assertThatThrownBy(() -> Ops.call("_plus_scalar", Map.of("scalar", "abc"), x))
                .isInstanceOf(KilnException.class).hasMessageContaining("scalar");
    }

    @Test
    void mxnetScalarAliasesNameTheSameDefinition() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.get("_PlusScalar")).isSameAs(r.get("_plus_scalar"));
        assertThat(r.get("_npi_hypot_scalar")).isSameAs(r.get("_hypot_scalar"));
        assertThat(r.get("_npi_maximum_scalar")).isSameAs(r.get("_maximum_scalar"));
        assertThat(r.get("_LogicalXorScalar")).isSameAs(r.get("_logical_xor_scalar"));
        assertThat(((ScalarBinaryOp) r.get("_rminus_scalar")).isReversed()).isTrue();
    }
}
