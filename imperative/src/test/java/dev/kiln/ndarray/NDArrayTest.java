package dev.kiln.ndarray;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NDArrayTest {

    @Test
    void javaArraysOfAnyRankRoundTrip() {
        float[][][] x = {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}};
        NDArray a = NDArray.from(x);
        assertThat(a.shape()).isEqualTo(Shape.of(2, 2, 2));
        assertThat(a.dtype()).isEqualTo(DType.FLOAT32);
        assertThat((float[][][]) a.toJavaArray()).isDeepEqualTo(x);
        int[][] ints = {{1, 2, 3}};
        assertThat((int[][]) NDArray.from(ints).toJavaArray()).isDeepEqualTo(ints);
        boolean[] bools = {true, false};
        assertThat(NDArray.from(bools).dtype()).isEqualTo(DType.BOOL);
        assertThat((boolean[]) NDArray.from(bools).toJavaArray()).containsExactly(true, false);
    }

    @Test
    void raggedJavaArraysAreRejected() {
        assertThatThrownBy(() -> NDArray.from(new float[][] {{1, 2}, {3}}))
                .isInstanceOf(KilnException.class).hasMessageContaining("ragged");
    }

    @Test
    void reshapeIsAViewSharingContents() {
        NDArray a = NDArray.zeros(2, 3);
        NDArray v = a.reshape(3, -1);
        assertThat(v.shape()).isEqualTo(Shape.of(3, 2));
        v.setDouble(5, 7);
        assertThat(a.getDouble(1, 2)).isEqualTo(7);
        assertThat(v.sharesStorageWith(a)).isTrue();
    }

    @Test
    void copyToDeviceCopiesAndKeepsValues() {
        NDArray a = NDArray.of(Shape.of(2), 1f, 2f);
        NDArray g = a.copyTo(Device.gpu(1));
        assertThat(g.device()).isEqualTo(Device.gpu(1));
        assertThat(g.sharesStorageWith(a)).isFalse();
        assertThat(g.toFloatArray()).containsExactly(1f, 2f);
        assertThat(g.device()).hasToString("gpu(1)");
    }

    @Test
    void copyToArrayChecksShapeAndCasts() {
        NDArray src = NDArray.of(Shape.of(2), 1.9f, -2.5f);
        NDArray dst = NDArray.zeros(Shape.of(2), DType.INT32, Device.cpu());
        src.copyTo(dst);
        assertThat(dst.toIntArray()).containsExactly(1, -2);
        assertThatThrownBy(() -> src.copyTo(NDArray.zeros(3))).hasMessageContaining("(2,)").hasMessageContaining("(3,)");
    }

    @Test
    void asScalarNeedsOneElement() {
        assertThat(NDArray.scalar(3.5).asScalar()).isEqualTo(3.5);
        assertThatThrownBy(() -> NDArray.zeros(2).asScalar()).hasMessageContaining("(2,)");
    }

    @Test
    void indexingOutOfBoundsIsAnError() {
        NDArray a = NDArray.zeros(2, 3);
        assertThatThrownBy(() -> a.getDouble(2, 0)).hasMessageContaining("out of bounds");
    }

    @Test
    void printsValuesThenMXNetFooter() {
        NDArray a = NDArray.from(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(a.toString()).endsWith("<NDArray 2x3 @cpu(0)>");
    }

    @Test
    void devicesParseAndPrint() {
        assertThat(Device.parse("gpu(2)")).isEqualTo(Device.gpu(2));
        assertThat(Device.parse("cpu")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> Device.parse("tpu(0)")).hasMessageContaining("tpu(0)");
    }
}
