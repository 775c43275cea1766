package dev.kiln.op.nn;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Supplier;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DropoutTest {

    private static <T> T training(Supplier<T> body) {
        boolean prev = OpContext.setTraining(true);
        try {
            return body.get();
        } finally {
            OpContext.setTraining(prev);
        }
    }

    private static NDArray ramp(int n, DType t) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1 + i % 17;
        }
        return NDArray.of(Shape.of(n), t, v);
    }

    @Test
    void predictModeIsTheIdentity() {
        NDArray x = ramp(1000, DType.FLOAT32);
        NDArray out = Ops.call("Dropout", Map.of("p", 0.5), x);
        assertThat(out).isEqualTo(x);
        assertThat(out.sharesStorageWith(x)).isFalse();
    }

    @Test
    void trainingDropsAboutPAndScalesKeptValuesByOneOverOneMinusP() {
        int n = 40000;
        NDArray x = ramp(n, DType.FLOAT32);
        NDArray out = training(() -> Ops.call("Dropout", Map.of("p", 0.3), x));
        float[] in = x.toFloatArray();
        float[] y = out.toFloatArray();
        float scale = 1.0f / 0.7f;
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] == 0) {
                dropped++;
            } else {
                assertThat(y[i]).isEqualTo(in[i] * scale);
            }
        }
        // binomial standard deviation is about 0.0023; allow 5 of them
        assertThat(dropped / (double) n).isCloseTo(0.3, within(0.012));
    }

    @Test
    void alwaysModeDropsEvenInPredictMode() {
        int n = 20000;
        NDArray out = Ops.call("Dropout", Map.of("p", 0.5, "mode", "always"), ramp(n, DType.FLOAT64));
        assertThat(out.dtype()).isEqualTo(DType.FLOAT64);
        int dropped = 0;
        for (double v : out.toDoubleArray()) {
            dropped += v == 0 ? 1 : 0;
        }
        assertThat(dropped / (double) n).isCloseTo(0.5, within(0.02));
    }

    @Test
    void axesShareOneDrawAlongTheGivenAxes() {
        int rows = 8;
        int cols = 3000;
        NDArray x = NDArray.full(Shape.of(rows, cols), 2, DType.FLOAT32, Device.cpu());
        NDArray out = training(() -> Ops.call("Dropout", Map.of("p", 0.4, "axes", "(0,)"), x));
        float[] y = out.toFloatArray();
        int droppedColumns = 0;
        for (int c = 0; c < cols; c++) {
            float first = y[c];
            assertThat(first == 0 || first == 2 * (1.0f / 0.6f)).isTrue();
            for (int r = 1; r < rows; r++) {
                assertThat(y[r * cols + c]).isEqualTo(first);
            }
            droppedColumns += first == 0 ? 1 : 0;
        }
        assertThat(droppedColumns / (double) cols).isCloseTo(0.4, within(0.05));
    }

    @Test
    void negativeAxesCountFromTheEnd() {
        NDArray x = NDArray.ones(5, 400);
        NDArray out = training(() -> Ops.call("Dropout", Map.of("axes", "(-2,)"), x));
        float[] y = out.toFloatArray();
        for (int c = 0; c < 400; c++) {
            for (int r = 1; r < 5; r++) {
                assertThat(y[r * 400 + c]).isEqualTo(y[c]);
            }
        }
    }

    @Test
    void pZeroKeepsEverythingAndPOneDropsEverything() {
        NDArray x = ramp(500, DType.FLOAT32);
        assertThat(training(() -> Ops.call("Dropout", Map.of("p", 0.0), x))).isEqualTo(x);
        assertThat(training(() -> Ops.call("Dropout", Map.of("p", 1.0), x))).isCloseTo(new double[500], 0, 0);
    }

    @Test
    void float16StaysFloat16() {
        NDArray out = training(() -> Ops.call("Dropout", Map.of("p", 0.5), ramp(100, DType.FLOAT16)));
        assertThat(out).hasDType(DType.FLOAT16);
        for (double v : out.toDoubleArray()) {
            assertThat(v == 0 || v >= 2).isTrue();
        }
    }

    @Test
    void sameSeedGivesTheSameMask() {
        NDArray x = ramp(20000, DType.FLOAT32);
        NNRandom.seed(1234);
        NDArray a = training(() -> Ops.call("Dropout", x));
        NNRandom.seed(1234);
        NDArray b = training(() -> Ops.call("Dropout", x));
        NDArray c = training(() -> Ops.call("Dropout", x));
        assertThat(b).isEqualTo(a);
        assertThat(java.util.Arrays.equals(c.toFloatArray(), a.toFloatArray())).isFalse();
    }

    @Test
    void pOutsideZeroOneIsRejected() {
        assertThatThrownBy(() -> Ops.call("Dropout", Map.of("p", 1.5), NDArray.ones(3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'p'").hasMessageContaining("1.5");
    }

    @Test
    void axesOutOfRangeAreRejected() {
        assertThatThrownBy(() -> Ops.call("Dropout", Map.of("axes", "(2,)"), NDArray.ones(3, 4)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'axes'").hasMessageContaining("(3, 4)");
    }

    @Test
    void integerDataIsRejected() {
        assertThatThrownBy(() -> Ops.call("Dropout", NDArray.of(Shape.of(2), DType.INT32, 1, 2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("int32");
    }
}
