package dev.kiln.op.creation;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class NDArraysTest {

    @Test
    void zerosAndOnesDefaultToFloat32OnTheCpu() {
        assertThat(NDArrays.zeros(2, 2)).hasShape(2, 2).hasDType(DType.FLOAT32).isCloseTo(new double[4], 0, 0);
        assertThat(NDArrays.ones(3)).isCloseTo(new double[] {1, 1, 1}, 0, 0);
    }

    @Test
    void fullUsesTheGivenDTypeAndDevice() {
        NDArray a = NDArrays.full(Shape.of(2), 7.5, DType.FLOAT64, Device.gpu(0));
        assertThat(a).hasDType(DType.FLOAT64).isCloseTo(new double[] {7.5, 7.5}, 0, 0);
        assertThat(a.device()).isEqualTo(Device.gpu(0));
    }

    @Test
    void likeFactoriesCopyShapeDTypeAndDevice() {
        NDArray like = NDArray.of(Shape.of(2, 1), DType.INT64, 5, 6).copyTo(Device.gpu(2));
        NDArray z = NDArrays.zerosLike(like);
        NDArray o = NDArrays.onesLike(like);
        NDArray f = NDArrays.fullLike(like, -3);
        for (NDArray a : new NDArray[] {z, o, f}) {
            assertThat(a).hasShape(2, 1).hasDType(DType.INT64);
            assertThat(a.device()).isEqualTo(Device.gpu(2));
        }
        assertThat(z).isCloseTo(new double[] {0, 0}, 0, 0);
        assertThat(o).isCloseTo(new double[] {1, 1}, 0, 0);
        assertThat(f).isCloseTo(new double[] {-3, -3}, 0, 0);
    }

    @Test
    void arangeLinspaceAndEyeDelegateToTheOps() {
        assertThat(NDArrays.arange(3)).isCloseTo(new double[] {0, 1, 2}, 0, 0);
        assertThat(NDArrays.arange(1, 2, 0.25)).isCloseTo(new double[] {1, 1.25, 1.5, 1.75}, 0, 0);
        assertThat(NDArrays.arange(0, 2, 1, 3, DType.INT32, Device.cpu())).hasDType(DType.INT32)
                .isCloseTo(new double[] {0, 0, 0, 1, 1, 1}, 0, 0);
        assertThat(NDArrays.linspace(-1, 1, 3)).isCloseTo(new double[] {-1, 0, 1}, 0, 0);
        assertThat(NDArrays.eye(2)).isCloseTo(new double[] {1, 0, 0, 1}, 0, 0);
        assertThat(NDArrays.eye(2, 3, 1, DType.FLOAT64, Device.cpu())).hasShape(2, 3)
                .isCloseTo(new double[] {0, 1, 0, 0, 0, 1}, 0, 0);
    }
}
