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

/** SoftmaxActivation, SoftmaxOutput, softmax_cross_entropy and smooth_l1; expectations from numpy offline. */
class SoftmaxLossTest {
    private static final double[] X = {-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0,
            -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, -1.0, -0.5, 0.0};
    private static final double[] LAST_AXIS = {0.1015363240915518, 0.16740509727844333, 0.27600434470659363,
            0.45505423392341127, 0.1817409127725416, 0.2996401086445459, 0.49402302067716014, 0.024595957905752436,
            0.1015363240915518, 0.16740509727844333, 0.27600434470659363, 0.45505423392341127, 0.34890112077911506,
            0.5752406991996415, 0.028639548019030407, 0.04721863200221316, 0.1015363240915518, 0.16740509727844333,
            0.27600434470659363, 0.45505423392341127, 0.7891368368560842, 0.03928880964815376, 0.06477629616739952,
            0.10679805732836278};
    private static final double[] AXIS_ONE = {0.09962364806231831, 0.09962364806231831, 0.09962364806231831,
            0.3482074278837349, 0.7361247243125938, 0.7361247243125938, 0.7361247243125938, 0.0776955791485706,
            0.1642516276250878, 0.1642516276250878, 0.1642516276250878, 0.5740969929676946, 0.3482074278837349,
            0.7855970345892759, 0.09962364806231831, 0.09962364806231831, 0.0776955791485706, 0.1752903921400367,
            0.7361247243125938, 0.7361247243125938, 0.5740969929676946, 0.039112573270687456, 0.1642516276250878,
            0.1642516276250878};
    private static final double[] FLATTENED = {0.014982726245438964, 0.02470233945393229, 0.04072727249375316,
            0.06714792045805107, 0.1107082047424691, 0.18252697199993362, 0.30093610121277725, 0.014982726245438964,
            0.02470233945393229, 0.04072727249375316, 0.06714792045805107, 0.1107082047424691, 0.13980239020467386,
            0.23049517442516504, 0.011475679007568417, 0.018920196075504984, 0.03119412971550216,
            0.05143042518292734, 0.08479443596024384, 0.13980239020467386, 0.23049517442516504,
            0.011475679007568417, 0.018920196075504984, 0.03119412971550216};

    private static NDArray x() {
        return NDArray.of(Shape.of(2, 3, 4), DType.FLOAT32, X);
    }

    @Test
    void softmaxActivationInstanceModeUsesTheLastAxis() {
        assertThat(Ops.call("SoftmaxActivation", x())).hasShape(2, 3, 4).isCloseTo(LAST_AXIS, 1e-6, 1e-7);
    }

    @Test
    void softmaxActivationChannelModeUsesAxisOne() {
        assertThat(Ops.call("SoftmaxActivation", Map.of("mode", "channel"), x())).isCloseTo(AXIS_ONE, 1e-6, 1e-7);
    }

    @Test
    void softmaxActivationChannelModeNeedsThreeDims() {
        assertThatThrownBy(() -> Ops.call("SoftmaxActivation", Map.of("mode", "channel"), NDArray.zeros(2, 3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("(2, 3)").hasMessageContaining("3 dims");
    }

    @Test
    void softmaxActivationIsFloat32Only() {
        assertThatThrownBy(() -> Ops.call("SoftmaxActivation", NDArray.of(Shape.of(2), DType.FLOAT64, 1, 2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("float32").hasMessageContaining("float64");
    }

    @Test
    void softmaxOutputByDefaultFlattensAllDimsAfterTheFirst() {
        NDArray label = NDArray.zeros(2, 3);
        assertThat(Ops.call("SoftmaxOutput", x(), label)).hasShape(2, 3, 4).isCloseTo(FLATTENED, 1e-6, 1e-7);
        assertThat(Ops.call("Softmax", x(), label)).isCloseTo(FLATTENED, 1e-6, 1e-7);
    }

    @Test
    void softmaxOutputMultiOutputUsesAxisOneAndAcceptsMXNetLabelShapes() {
        Map<String, Object> multi = Map.of("multi_output", true);
        assertThat(Ops.call("SoftmaxOutput", multi, x(), NDArray.zeros(2, 4))).isCloseTo(AXIS_ONE, 1e-6, 1e-7);
        assertThat(Ops.call("SoftmaxOutput", multi, x(), NDArray.zeros(2, 1, 4))).isCloseTo(AXIS_ONE, 1e-6, 1e-7);
        assertThatThrownBy(() -> Ops.call("SoftmaxOutput", multi, x(), NDArray.zeros(3, 4)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'label'").hasMessageContaining("(3, 4)")
                .hasMessageContaining("(2, 3, 4)");
    }

    @Test
    void softmaxOutputPreserveShapeUsesTheLastAxis() {
        assertThat(Ops.call("SoftmaxOutput", Map.of("preserve_shape", true), x(), NDArray.zeros(2, 3)))
                .isCloseTo(LAST_AXIS, 1e-6, 1e-7);
    }

    @Test
    void softmaxOutputLabelMustDropTheLastDim() {
        assertThatThrownBy(() -> Ops.call("SoftmaxOutput", x(), NDArray.zeros(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'label'").hasMessageContaining("(2,)")
                .hasMessageContaining("(2, 3)");
    }

    @Test
    void softmaxOutputKeepsGradientAttributes() {
        var op = OpRegistry.global().get("SoftmaxOutput");
        var attrs = op.attrs(Map.of("grad_scale", "2", "ignore_label", "-1", "use_ignore", "True",
                "normalization", "valid", "out_grad", "False", "smooth_alpha", "0.1"));
        assertThat(attrs.get(SoftmaxOutputOp.NORMALIZATION)).isEqualTo("valid");
        assertThat(attrs.get(SoftmaxOutputOp.GRAD_SCALE)).isEqualTo(2.0);
        assertThat(op.inputNames(attrs)).containsExactly("data", "label");
        assertThatThrownBy(() -> Ops.call("SoftmaxOutput", Map.of("smooth_alpha", 1.5), x(), NDArray.zeros(2, 3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("smooth_alpha");
    }

    @Test
    void softmaxCrossEntropySumsOverTheBatch() {
        NDArray data = NDArray.of(Shape.of(2, 3), 1f, 2f, 0.5f, 0f, -1f, 3f);
        NDArray label = NDArray.of(Shape.of(2), 1f, 2f);
        assertThat(Ops.call("softmax_cross_entropy", data, label)).hasShape(1)
                .isCloseTo(new double[] {0.5302526878653739}, 1e-6, 0);
    }

    @Test
    void softmaxCrossEntropyClipsProbabilitiesAtOneEMinusEight() {
        NDArray data = NDArray.of(Shape.of(1, 2), DType.FLOAT64, 0, 40);
        NDArray label = NDArray.of(Shape.of(1), DType.FLOAT64, 0);
        assertThat(Ops.call("softmax_cross_entropy", data, label)).isCloseTo(new double[] {18.420680743952367},
                1e-12, 0);
    }

    @Test
    void softmaxCrossEntropyChecksShapesAndLabels() {
        NDArray data = NDArray.zeros(2, 3);
        assertThatThrownBy(() -> Ops.call("softmax_cross_entropy", data, NDArray.zeros(3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'label'").hasMessageContaining("(3,)")
                .hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> Ops.call("softmax_cross_entropy", NDArray.zeros(2, 3, 1), NDArray.zeros(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("2-D");
        assertThatThrownBy(() -> Ops.call("softmax_cross_entropy", data, NDArray.of(Shape.of(2), 0f, 3f)))
                .isInstanceOf(KilnException.class).hasMessageContaining("[0, 3)");
    }

    @Test
    void smoothL1WithDefaultSigmaOfOne() {
        NDArray v = NDArray.of(Shape.of(7), DType.FLOAT64, -3.0, -0.5, -0.1, 0.0, 0.2, 0.9, 2.0);
        assertThat(Ops.call("smooth_l1", v)).isCloseTo(new double[] {2.5, 0.125, 0.005, 0.0, 0.02, 0.405, 1.5},
                1e-12, 0);
    }

    @Test
    void smoothL1WithScalarTwo() {
        NDArray v = NDArray.of(Shape.of(7), DType.FLOAT32, -3.0, -0.5, -0.1, 0.0, 0.2, 0.9, 2.0);
        assertThat(Ops.call("smooth_l1", Map.of("scalar", "2.0"), v)).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {2.875, 0.375, 0.02, 0.0, 0.08, 0.775, 1.875}, 1e-6, 0);
    }

    @Test
    void smoothL1KeepsIntegerDtypeAndTruncates() {
        NDArray v = NDArray.of(Shape.of(6), DType.INT32, -3, -1, 0, 1, 2, 5);
        assertThat(Ops.call("smooth_l1", Map.of("scalar", 2), v)).hasDType(DType.INT32)
                .isCloseTo(new double[] {2, 0, 0, 0, 1, 4}, 0, 0);
    }
}
