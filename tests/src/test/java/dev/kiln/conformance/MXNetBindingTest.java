package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checks the JNA binding itself against hand-known MXNet behaviour, independent of any Kiln op. */
class MXNetBindingTest {
    private final MXNet mx = MXNet.get();

    @Test
    void loadsMXNet190AndListsItsOps() {
        assertThat(mx.version()).isEqualTo(10900);
        assertThat(mx.opNames()).contains("FullyConnected", "broadcast_add", "_plus_scalar", "Convolution");
    }

    @Test
    void arraysOfEveryDTypeRoundTripExactly() {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.UINT8, DType.INT8, DType.INT32,
                DType.INT64, DType.BOOL)) {
            NDArray a = NDArray.of(Shape.of(2, 3), t, 0, 1, 2, 3, 100, t == DType.BOOL ? 1 : 5);
            try (MXArray m = mx.array(a)) {
                assertThat(m.shape()).isEqualTo(Shape.of(2, 3));
                assertThat(m.dtype()).isEqualTo(t);
                NDArray back = m.toNDArray();
                assertThat(back).hasShape(2, 3).hasDType(t).isCloseTo(a, 0, 0);
            }
        }
    }

    @Test
    void int64KeepsAllBits() {
        NDArray a = NDArray.wrap(Shape.of(2), DType.INT64, Device.cpu(),
                new long[] {Long.MAX_VALUE, -(1L << 53) - 1});
        try (MXArray m = mx.array(a)) {
            assertThat(m.toNDArray().toLongArray()).containsExactly(Long.MAX_VALUE, -(1L << 53) - 1);
        }
    }

    @Test
    void invokeReturnsEveryOutput() {
        NDArray x = NDArray.of(Shape.of(2, 2), 1, 2, 3, 4);
        List<NDArray> sum = mx.invokeOnKilnArrays("elemwise_add", Map.of(), List.of(x, x));
        assertThat(sum).hasSize(1);
        assertThat(sum.get(0)).hasShape(2, 2).isCloseTo(new double[] {2, 4, 6, 8}, 0, 0);

        List<NDArray> parts = mx.invokeOnKilnArrays("split", Map.of("num_outputs", "2", "axis", "1"), List.of(x));
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0)).hasShape(2, 1).isCloseTo(new double[] {1, 3}, 0, 0);
        assertThat(parts.get(1)).hasShape(2, 1).isCloseTo(new double[] {2, 4}, 0, 0);
    }

    @Test
    void stringAttributesTakeMXNetForms() {
        NDArray x = NDArray.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        NDArray s = mx.invokeOnKilnArrays("sum", Map.of("axis", "(0,)", "keepdims", "True"), List.of(x)).get(0);
        assertThat(s).hasShape(1, 3).isCloseTo(new double[] {5, 7, 9}, 0, 0);
    }

    @Test
    void mxnetErrorsBecomeExceptionsWithItsMessage() {
        NDArray a = NDArray.zeros(2, 3);
        NDArray b = NDArray.zeros(4, 5);
        assertThatThrownBy(() -> mx.invokeOnKilnArrays("elemwise_add", Map.of(), List.of(a, b)))
                .isInstanceOf(MXNetException.class)
                .hasMessageContaining("elemwise_add")
                .hasMessageContaining("[2,3]")
                .hasMessageNotContaining("Stack trace");
        assertThatThrownBy(() -> mx.invokeOnKilnArrays("no_such_op", Map.of(), List.of(a)))
                .isInstanceOf(MXNetException.class).hasMessageContaining("no_such_op");
    }

    @Test
    void trainingFlagIsReportedBack() {
        boolean before = mx.setTraining(true);
        try {
            assertThat(mx.setTraining(true)).isTrue();
        } finally {
            mx.setTraining(before);
        }
    }

    @Test
    void recordedCallsBackPropagate() {
        NDArray a = NDArray.of(Shape.of(3), 1, 2, 3);
        NDArray b = NDArray.of(Shape.of(3), 4, 5, 6);
        try (MXArray x = mx.array(a); MXArray y = mx.array(b); MXArray gx = mx.array(NDArray.zeros(3))) {
            mx.markVariables(List.of(x), List.of(gx));
            boolean prev = mx.setRecording(true);
            List<MXArray> out;
            try {
                out = mx.invoke("elemwise_mul", Map.of(), List.of(x, y));
            } finally {
                mx.setRecording(prev);
            }
            try {
                mx.backward(out);
            } finally {
                out.forEach(MXArray::close);
            }
            assertThat(gx.toNDArray()).isCloseTo(new double[] {4, 5, 6}, 0, 0);
        }
    }

    @Test
    void paramsFilesRoundTripThroughMXNet(@TempDir Path dir) {
        Path file = dir.resolve("x.params");
        NDArray w = NDArray.of(Shape.of(2, 2), 1, -2, 3.5f, 4);
        NDArray b = NDArray.of(Shape.of(3), DType.INT32, 7, 8, 9);
        mx.save(file, List.of("arg:w", "arg:b"), List.of(w, b));
        MXNet.Loaded loaded = mx.load(file);
        assertThat(loaded.names()).containsExactly("arg:w", "arg:b");
        assertThat(loaded.arrays().get(0)).hasDType(DType.FLOAT32).isCloseTo(w, 0, 0);
        assertThat(loaded.arrays().get(1)).hasDType(DType.INT32).isCloseTo(b, 0, 0);

        Path list = dir.resolve("list.params");
        mx.save(list, null, List.of(b));
        MXNet.Loaded unnamed = mx.load(list);
        assertThat(unnamed.names()).isEmpty();
        assertThat(unnamed.arrays()).hasSize(1);
    }
}
