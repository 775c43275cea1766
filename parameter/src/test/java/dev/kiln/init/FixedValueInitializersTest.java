package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FixedValueInitializersTest {
    private static final InitDesc WEIGHT = new InitDesc("layer_weight");

    private static NDArray weight(Initializer init, DType dtype, int... dims) {
        NDArray target = NDArray.full(Shape.of(dims), -3, dtype, Device.cpu());
        init.initialize(WEIGHT, target);
        return target;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void zeroOneAndConstantFillEveryDType(DType dtype) {
        assertThat(weight(new Zero(), dtype, 2, 3).toDoubleArray()).containsOnly(0);
        assertThat(weight(new One(), dtype, 2, 3).toDoubleArray()).containsOnly(1);
        double expected = dtype == DType.BOOL ? 1 : 5;
        assertThat(weight(new Constant(5), dtype, 4).toDoubleArray()).containsOnly(expected);
    }

    @Test
    void constantRoundsItsValueToTheTargetDType() {
        assertThat(weight(new Constant(0.1), DType.FLOAT32, 3).floatData()).containsOnly(0.1f);
        assertThat(weight(new Constant(0.1), DType.FLOAT64, 3).doubleData()).containsOnly(0.1);
        assertThat(weight(new Constant(2.75), DType.INT32, 3).toIntArray()).containsOnly(2);
    }

    @Test
    void constantCopiesAnArrayOfTheParametersShape() {
        NDArray value = NDArray.of(Shape.of(2, 2), 1, 2, 3, 4);
        Constant init = new Constant(value);
        value.fill(0); // the initializer took its own copy
        assertThat(weight(init, DType.FLOAT64, 2, 2).toDoubleArray()).containsExactly(1, 2, 3, 4);
        assertThat(weight(new Constant(NDArray.of(Shape.of(1), 6f)), DType.FLOAT32, 3).toDoubleArray())
                .containsOnly(6);
    }

    @Test
    void constantArrayOfAnotherShapeFailsNamingBothShapes() {
        Constant init = new Constant(NDArray.zeros(2, 2));
        assertThatThrownBy(() -> weight(init, DType.FLOAT32, 3, 2))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("(2, 2)").hasMessageContaining("(3, 2)").hasMessageContaining("layer_weight");
    }

    @Test
    void bilinearMatchesMXNetsKernelForAnEvenSquareKernel() {
        // Values from MXNet 1.9's formula run with numpy (float32): f = 2, c = 0.75.
        float[] expected = {0.0625f, 0.1875f, 0.1875f, 0.0625f, 0.1875f, 0.5625f, 0.5625f, 0.1875f,
                0.1875f, 0.5625f, 0.5625f, 0.1875f, 0.0625f, 0.1875f, 0.1875f, 0.0625f};
        assertThat(weight(new Bilinear(), DType.FLOAT32, 1, 1, 4, 4)).isCloseTo(expected, 0, 0);
    }

    @Test
    void bilinearRepeatsTheKernelForEveryChannelOfAnOddKernel() {
        // MXNet's formula for width 3: f = 2, c = 0.75, the same kernel for both input channels.
        float[] kernel = {0.0625f, 0.1875f, 0.1875f, 0.1875f, 0.5625f, 0.5625f, 0.1875f, 0.5625f, 0.5625f};
        float[] expected = new float[18];
        System.arraycopy(kernel, 0, expected, 0, 9);
        System.arraycopy(kernel, 0, expected, 9, 9);
        assertThat(weight(new Bilinear(), DType.FLOAT32, 1, 2, 3, 3)).isCloseTo(expected, 0, 0);
    }

    @Test
    void bilinearUsesTheWidthForBothAxesOfARectangularKernel() {
        // Height 2, width 5: f = 3, c = 2/3 (float32 values from numpy).
        float[] expected = {0.1111111119389534f, 0.2222222238779068f, 0.3333333432674408f, 0.2222222238779068f,
                0.1111111119389534f, 0.2222222238779068f, 0.4444444477558136f, 0.6666666865348816f,
                0.4444444477558136f, 0.2222222238779068f};
        assertThat(weight(new Bilinear(), DType.FLOAT32, 1, 1, 2, 5)).isCloseTo(expected, 0, 0);
        // float64 targets get the same float32-rounded values, as MXNet computes them in float32
        assertThat(weight(new Bilinear(), DType.FLOAT64, 1, 1, 2, 5)).isCloseTo(expected, 0, 0);
    }

    @Test
    void bilinearNeedsAFourDimensionalWeight() {
        assertThatThrownBy(() -> weight(new Bilinear(), DType.FLOAT32, 4, 4))
                .isInstanceOf(KilnException.class).hasMessageContaining("4-D").hasMessageContaining("(4, 4)");
    }

    @Test
    void lstmBiasSetsOnlyTheForgetGateQuarter() {
        double[] v = weight(new LSTMBias(), DType.FLOAT32, 8).toDoubleArray();
        assertThat(v).containsExactly(0, 0, 1, 1, 0, 0, 0, 0);
        double[] custom = weight(new LSTMBias(2.5), DType.FLOAT64, 4).toDoubleArray();
        assertThat(custom).containsExactly(0, 2.5, 0, 0);
    }

    @Test
    void lstmBiasFillsWholeRowsOfAMatrix() {
        double[] v = weight(new LSTMBias(-1), DType.FLOAT32, 4, 2).toDoubleArray();
        assertThat(v).containsExactly(0, 0, -1, -1, 0, 0, 0, 0);
    }

    @Test
    void lstmBiasNeedsFourGates() {
        assertThatThrownBy(() -> weight(new LSTMBias(), DType.FLOAT32, 6))
                .isInstanceOf(KilnException.class).hasMessageContaining("(6,)").hasMessageContaining("i, f, c, o");
    }

    @Test
    void initializersThatComputeValuesRejectIntegerTargets() {
        for (Initializer init : new Initializer[] {new Bilinear(), new LSTMBias(), new Uniform(), new Normal(),
                new Xavier(), new MSRAPrelu(), new Orthogonal(), new TruncatedNormal()}) {
            assertThatThrownBy(() -> weight(init, DType.INT32, 4, 1, 2, 2))
                    .as(init.name())
                    .isInstanceOf(KilnException.class)
                    .hasMessageContaining("'" + init.name() + "'")
                    .hasMessageContaining("layer_weight")
                    .hasMessageContaining("int32");
        }
    }
}
