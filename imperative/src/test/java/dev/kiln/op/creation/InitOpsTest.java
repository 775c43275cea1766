package dev.kiln.op.creation;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InitOpsTest {

    @Test
    void zerosTakesShapeAndDTypeFromMXNetStrings() {
        NDArray z = Ops.call("_zeros", Map.of("shape", "(2, 3)", "dtype", "int64"));
        assertThat(z).hasShape(2, 3).hasDType(DType.INT64).isCloseTo(new double[6], 0, 0);
        assertThat(z.device()).isEqualTo(Device.cpu());
    }

    @Test
    void onesDefaultsToFloat32() {
        assertThat(Ops.call("_ones", Map.of("shape", "(3,)"))).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {1, 1, 1}, 0, 0);
    }

    @Test
    void defaultShapeIsZeroDimensional() {
        assertThat(Ops.call("_ones")).hasShape().isCloseTo(new double[] {1}, 0, 0);
    }

    @Test
    void fullRoundsTheValueToTheDType() {
        assertThat(Ops.call("_full", Map.of("shape", "(2,)", "value", "2.7", "dtype", "int32")))
                .hasDType(DType.INT32).isCloseTo(new double[] {2, 2}, 0, 0);
        assertThat(Ops.call("_full", Map.of("shape", "(2,)", "value", -1.0, "dtype", "uint8")))
                .isCloseTo(new double[] {255, 255}, 0, 0);
        assertThat(Ops.call("_full", Map.of("shape", "(1,)", "value", 0.1, "dtype", "float16")))
                .isCloseTo(new double[] {0.0999755859375}, 0, 0);
        assertThat(Ops.call("_full", Map.of("shape", "(2,)", "value", 3, "dtype", "bool")))
                .isCloseTo(new double[] {1, 1}, 0, 0);
    }

    @Test
    void fullRequiresAValue() {
        assertThatThrownBy(() -> Ops.call("_full", Map.of("shape", "(2,)")))
                .isInstanceOf(KilnException.class).hasMessageContaining("'value'").hasMessageContaining("_full");
    }

    @Test
    void ctxAttributePlacesTheOutput() {
        NDArray z = Ops.call("_zeros", Map.of("shape", "(2,)", "ctx", "gpu(1)"));
        assertThat(z.device()).isEqualTo(Device.gpu(1));
        assertThatThrownBy(() -> Ops.call("_zeros", Map.of("shape", "(2,)", "ctx", "tpu(0)")))
                .isInstanceOf(KilnException.class).hasMessageContaining("'ctx'").hasMessageContaining("tpu(0)");
    }

    @Test
    void zeroSizeShapesAreAllowed() {
        assertThat(Ops.call("_zeros", Map.of("shape", "(2, 0)"))).hasShape(2, 0);
    }

    @Test
    void negativeShapeIsAnError() {
        assertThatThrownBy(() -> Ops.call("_zeros", Map.of("shape", "(2, -1)")))
                .isInstanceOf(KilnException.class).hasMessageContaining("_zeros").hasMessageContaining("(2, -1)");
    }

    @Test
    void unknownAttributeIsRejected() {
        assertThatThrownBy(() -> Ops.call("_zeros", Map.of("shap", "(2,)")))
                .isInstanceOf(KilnException.class).hasMessageContaining("shap");
    }

    @Test
    void arangeWithOnlyStartCountsFromZero() {
        assertThat(Ops.call("_arange", Map.of("start", "4"))).hasShape(4).isCloseTo(new double[] {0, 1, 2, 3}, 0, 0);
    }

    @Test
    void arangeWithFractionalStepMatchesNumpy() {
        // np.arange(0.5, 3.2, 0.7, dtype=np.float32)
        assertThat(Ops.call("_arange", Map.of("start", 0.5, "stop", 3.2, "step", 0.7)))
                .hasShape(4).isCloseTo(new double[] {0.5, 1.2000000476837158, 1.9000000953674316,
                        2.6000001430511475}, 1e-7, 0);
    }

    @Test
    void arangeRepeatRepeatsEachValue() {
        // np.repeat(np.arange(1, 7, 2.), 2)
        assertThat(Ops.call("_arange", Map.of("start", 1, "stop", 7, "step", 2, "repeat", 2)))
                .isCloseTo(new double[] {1, 1, 3, 3, 5, 5}, 0, 0);
    }

    @Test
    void arangeWithNegativeStepCountsDown() {
        assertThat(Ops.call("_arange", Map.of("start", 5, "stop", 0, "step", -1.5, "dtype", "float64")))
                .hasDType(DType.FLOAT64).isCloseTo(new double[] {5, 3.5, 2, 0.5}, 0, 0);
    }

    @Test
    void arangeCastsStartAndStepToIntegerDTypesFirst() {
        // start 0.9 -> 0, step 2.5 -> 2 in int32, as MXNet casts both before the arithmetic; the length still
        // comes from the float values: ceil((6 - 0.9) / 2.5) = 3
        assertThat(Ops.call("_arange", Map.of("start", 0.9, "stop", 6, "step", 2.5, "dtype", "int32")))
                .hasDType(DType.INT32).isCloseTo(new double[] {0, 2, 4}, 0, 0);
    }

    @Test
    void arangeInFloat16RoundsEveryStep() {
        // mshadow half arithmetic: 0.1h * 3 = 0.2998 (numpy: np.float16(0.1) * np.float16(3))
        NDArray a = Ops.call("_arange", Map.of("start", 0, "stop", 0.35, "step", 0.1, "dtype", "float16"));
        assertThat(a).hasShape(4);
        assertThat(a.getDouble(3)).isEqualTo(0.2998046875);
    }

    @Test
    void arangeRejectsEmptyRangesZeroStepAndBadRepeat() {
        assertThatThrownBy(() -> Ops.call("_arange", Map.of("start", 3, "stop", 1)))
                .isInstanceOf(KilnException.class).hasMessageContaining("invalid range");
        assertThatThrownBy(() -> Ops.call("_arange", Map.of("start", 0, "stop", 3, "step", 0)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'step'");
        assertThatThrownBy(() -> Ops.call("_arange", Map.of("start", 0, "stop", 3, "repeat", 0)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'repeat'");
        assertThatThrownBy(() -> Ops.call("_arange", Map.of("start", 3, "infer_range", "True")))
                .isInstanceOf(KilnException.class).hasMessageContaining("infer_range");
    }

    @Test
    void arangeWithInferRangeAndStopBehavesNormally() {
        assertThat(Ops.call("_arange", Map.of("start", 1, "stop", 3, "infer_range", true)))
                .isCloseTo(new double[] {1, 2}, 0, 0);
    }

    @Test
    void linspaceIncludesTheEndpointByDefault() {
        assertThat(Ops.call("_linspace", Map.of("start", 0, "stop", 1, "num", 5)))
                .isCloseTo(new double[] {0, 0.25, 0.5, 0.75, 1}, 0, 0);
        assertThat(Ops.call("_linspace", Map.of("start", 2, "stop", -1, "num", 7)))
                .isCloseTo(new double[] {2, 1.5, 1, 0.5, 0, -0.5, -1}, 0, 0);
    }

    @Test
    void linspaceWithoutEndpointStopsShort() {
        assertThat(Ops.call("_linspace", Map.of("start", 0, "stop", 1, "num", 4, "endpoint", "False")))
                .isCloseTo(new double[] {0, 0.25, 0.5, 0.75}, 0, 0);
    }

    @Test
    void linspaceEdgeCounts() {
        assertThat(Ops.call("_linspace", Map.of("start", 3, "stop", 9, "num", 1))).isCloseTo(new double[] {3}, 0, 0);
        assertThat(Ops.call("_linspace", Map.of("start", 3, "stop", 9, "num", 0))).hasShape(0);
        assertThatThrownBy(() -> Ops.call("_linspace", Map.of("start", 3, "stop", 9, "num", -1)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'num'");
    }

    @Test
    void linspaceTruncatesForIntegerDTypes() {
        assertThat(Ops.call("_linspace", Map.of("start", 0, "stop", 3, "num", 4, "endpoint", false,
                "dtype", "int32"))).isCloseTo(new double[] {0, 0, 1, 2}, 0, 0);
    }

    @Test
    void eyeDefaultsToSquareIdentity() {
        assertThat(Ops.call("_eye", Map.of("N", 3))).hasShape(3, 3)
                .isCloseTo(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 0, 0);
    }

    @Test
    void eyeOffsetsTheDiagonal() {
        // np.eye(3, 4, 1) and np.eye(4, 3, -2)
        assertThat(Ops.call("_eye", Map.of("N", 3, "M", 4, "k", 1))).hasShape(3, 4)
                .isCloseTo(new double[] {0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, 0, 0);
        assertThat(Ops.call("_eye", Map.of("N", "4", "M", "3", "k", "-2", "dtype", "int8"))).hasShape(4, 3)
                .hasDType(DType.INT8).isCloseTo(new double[] {0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0}, 0, 0);
        assertThat(Ops.call("_eye", Map.of("N", 2, "k", 5))).isCloseTo(new double[4], 0, 0);
    }

    @Test
    void eyeRejectsBoolAndNegativeSizes() {
        assertThatThrownBy(() -> Ops.call("_eye", Map.of("N", 2, "dtype", "bool")))
                .isInstanceOf(KilnException.class).hasMessageContaining("'dtype'");
        assertThatThrownBy(() -> Ops.call("_eye", Map.of("N", -2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'N'");
    }

    @Test
    void creationOpsAreRegisteredAndNotDifferentiable() {
        for (String name : new String[] {"_zeros", "_ones", "_full", "_arange", "_linspace", "_eye"}) {
            assertThat(OpRegistry.global().get(name).isDifferentiable()).as(name).isFalse();
            assertThat(OpRegistry.global().get(name).declaredInputs()).as(name).isEmpty();
        }
    }
}
