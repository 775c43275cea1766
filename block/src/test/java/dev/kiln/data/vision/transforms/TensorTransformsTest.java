package dev.kiln.data.vision.transforms;

import dev.kiln.block.HybridSequential;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ToTensor, Normalize, Cast and Compose against loops written here, eager and hybridized. */
@ExtendWith(dev.kiln.testing.FreshNames.class)
class TensorTransformsTest {

    /** An image or batch of distinct-looking uint8 pixels. */
    static NDArray pixels(int... dims) {
        NDArray a = NDArray.zeros(Shape.of(dims), DType.UINT8, Device.cpu());
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, (i * 53 + 7) % 256);
        }
        return a;
    }

    @Test
    void toTensorGivesChannelFirstFloatsInTheUnitInterval() {
        NDArray x = pixels(3, 4, 3);
        NDArray y = new ToTensor().call(x);
        assertThat(y.shape()).isEqualTo(Shape.of(3, 3, 4));
        assertThat(y.dtype()).isEqualTo(DType.FLOAT32);
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < 3; h++) {
                for (int w = 0; w < 4; w++) {
                    assertThat(y.getDouble((c * 3 + h) * 4 + w))
                            .isEqualTo((double) (float) (x.getDouble((h * 4 + w) * 3 + c) / 255.0));
                }
            }
        }
        NDArray batch = new ToTensor().call(pixels(2, 3, 4, 1));
        assertThat(batch.shape()).isEqualTo(Shape.of(2, 1, 3, 4));
        assertThat(batch.getDouble(12)).isEqualTo((double) (float) (pixels(2, 3, 4, 1).getDouble(12) / 255.0));
    }

    @Test
    void toTensorOnAMatrixNamesTheTransformAndTheShape() {
        assertThatThrownBy(() -> new ToTensor().call(pixels(4, 3)))
                .hasMessageContaining("ToTensor").hasMessageContaining("(4, 3)");
    }

    @Test
    void normalizeMatchesPerChannelArithmeticAndHybridizes() {
        NDArray x = Random.uniform(0, 1, 2, 3, 2, 2);
        Normalize n = new Normalize(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
        NDArray y = n.call(x);
        double[] mean = {0.485, 0.456, 0.406};
        double[] std = {0.229, 0.224, 0.225};
        for (int i = 0; i < x.size(); i++) {
            int c = (i / 4) % 3;
            assertThat(y.getDouble(i)).isCloseTo((x.getDouble(i) - mean[c]) / std[c],
                    org.assertj.core.data.Offset.offset(1e-5));
        }
        LayerCheck.of(new Normalize(0.5, 0.25), Random.uniform(0, 1, 1, 2, 2)).expectShape(1, 2, 2).run();
        LayerCheck.of(n, Random.uniform(0, 1, 3, 2, 3)).expectShape(3, 2, 3).run();
    }

    @Test
    void normalizeRejectsAZeroStdAndAMeanThatFitsNoChannelCount() {
        assertThatThrownBy(() -> new Normalize(0.0, 0.0)).hasMessageContaining("std must not be zero");
        assertThatThrownBy(() -> new Normalize(new double[] {0, 0}, new double[] {1}).call(NDArray.zeros(3, 2, 2)))
                .hasMessageContaining("Normalize").hasMessageContaining("mean=(0.0, 0.0)");
    }

    @Test
    void castConvertsToTheDtype() {
        NDArray y = new Cast().call(pixels(2, 2, 1));
        assertThat(y.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(y.toDoubleArray()).containsExactly(pixels(2, 2, 1).toDoubleArray());
        assertThat(new Cast("float64").call(y).dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void toTensorAndCastAgreeEagerAndHybridized() {
        LayerCheck.of(new ToTensor(), pixels(2, 3, 2, 3).astype(DType.FLOAT32)).expectShape(2, 3, 3, 2)
                .withoutGradientCheck().run();
        LayerCheck.of(new Cast(DType.FLOAT64), Random.uniform(0, 1, 2, 3)).expectShape(2, 3).run();
    }

    @Test
    void composeGathersRunsOfHybridTransformsIntoOneHybridizedChain() {
        Compose c = new Compose(new CenterCrop(2), new ToTensor(), new Normalize(0.5, 0.5));
        assertThat(c.size()).isEqualTo(2);
        assertThat(c.get(0)).isInstanceOf(CenterCrop.class);
        assertThat(c.get(1)).isInstanceOf(HybridSequential.class);
        assertThat(((HybridSequential) c.get(1)).get(0)).isInstanceOf(ToTensor.class);
        Compose single = new Compose(new ToTensor(), new CenterCrop(2));
        assertThat(single.get(0)).isInstanceOf(ToTensor.class);

        NDArray x = pixels(4, 5, 3);
        NDArray expected = new Normalize(0.5, 0.5).call(new ToTensor().call(new CenterCrop(2).call(x)));
        NDArray y = c.call(x);
        assertThat(y.shape()).isEqualTo(Shape.of(3, 2, 2));
        assertThat(y.toDoubleArray()).containsExactly(expected.toDoubleArray());
    }
}
