package dev.kiln.op.nn;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActivationTest {
    // expectations computed offline with numpy in float64
    private static final double[] X = {-25.0, -2.5, -0.5, 0.0, 0.75, 3.0, 21.0, 30.0};

    private static NDArray act(String type, DType dtype) {
        return Ops.call("Activation", Map.of("act_type", type), NDArray.of(Shape.of(2, 4), dtype, X));
    }

    @Test
    void reluZeroesNegatives() {
        assertThat(act("relu", DType.FLOAT32)).hasShape(2, 4).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {0, 0, 0, 0, 0.75, 3, 21, 30}, 0, 0);
    }

    @Test
    void reluKeepsNaN() {
        NDArray out = Ops.call("Activation", Map.of("act_type", "relu"), NDArray.of(Shape.of(1), Float.NaN));
        assertThat(out).isCloseTo(new double[] {Double.NaN}, 0, 0);
    }

    @Test
    void sigmoidInFloat32AndFloat64() {
        double[] expected = {1.3887943864771147e-11, 0.07585818002124355, 0.3775406687981454, 0.5,
                0.679178699175393, 0.9525741268224334, 0.9999999992417439, 0.9999999999999065};
        assertThat(act("sigmoid", DType.FLOAT32)).isCloseTo(expected, 1e-6, 1e-7);
        assertThat(act("sigmoid", DType.FLOAT64)).hasDType(DType.FLOAT64).isCloseTo(expected, 1e-14, 0);
    }

    @Test
    void tanhSaturates() {
        assertThat(act("tanh", DType.FLOAT64)).isCloseTo(new double[] {-1.0, -0.9866142981514303,
                -0.46211715726000974, 0.0, 0.6351489523872873, 0.9950547536867305, 1.0, 1.0}, 1e-14, 0);
    }

    @Test
    void softreluIsLog1pExpAndIdentityAboveTwenty() {
        assertThat(act("softrelu", DType.FLOAT64)).isCloseTo(new double[] {1.3887943864867583e-11,
                0.07888973429254963, 0.4740769841801067, 0.6931471805599453, 1.1368710061148999,
                3.048587351573742, 21.0, 30.0}, 1e-14, 0);
        assertThat(act("softrelu", DType.FLOAT32)).isCloseTo(new double[] {1.3887943864867583e-11,
                0.07888973429254963, 0.4740769841801067, 0.6931471805599453, 1.1368710061148999,
                3.048587351573742, 21.0, 30.0}, 1e-6, 1e-7);
    }

    @Test
    void softsignDividesByOnePlusAbs() {
        assertThat(act("softsign", DType.FLOAT32)).isCloseTo(new double[] {-0.9615384615384616,
                -0.7142857142857143, -0.3333333333333333, 0.0, 0.42857142857142855, 0.75, 0.9545454545454546,
                0.967741935483871}, 1e-6, 0);
    }

    @Test
    void float16InputGivesFloat16Output() {
        NDArray out = act("sigmoid", DType.FLOAT16);
        // float16 values of the float64 results
        assertThat(out).hasDType(DType.FLOAT16).isCloseTo(new double[] {0.0, 0.07586669921875,
                0.37744140625, 0.5, 0.67919921875, 0.95263671875, 1.0, 1.0}, 0, 1e-7);
    }

    @Test
    void emptyInputGivesEmptyOutput() {
        assertThat(Ops.call("Activation", Map.of("act_type", "tanh"), NDArray.zeros(0, 3))).hasShape(0, 3);
    }

    @Test
    void integerInputIsRejected() {
        NDArray ints = NDArray.of(Shape.of(2), DType.INT32, 1, 2);
        assertThatThrownBy(() -> Ops.call("Activation", Map.of("act_type", "relu"), ints))
                .isInstanceOf(KilnException.class).hasMessageContaining("Activation").hasMessageContaining("int32");
    }

    @Test
    void actTypeIsRequiredAndChecked() {
        assertThatThrownBy(() -> Ops.call("Activation", NDArray.ones(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("act_type");
        assertThatThrownBy(() -> Ops.call("Activation", Map.of("act_type", "swish"), NDArray.ones(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("swish");
    }

    @Test
    void aliasNpxActivationNamesTheSameOp() {
        assertThat(Ops.call("_npx_activation", Map.of("act_type", "relu"), NDArray.of(Shape.of(2), -1f, 2f)))
                .isCloseTo(new double[] {0, 2}, 0, 0);
    }
}
