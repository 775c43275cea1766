package dev.kiln.op.reduce;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reduction gradients where they follow MXNet's choices (ties, zeros) and in float32, beyond the numeric checks. */
class ReduceGradientRulesTest {

    private static NDArray grad(String op, Map<String, Object> attrs, NDArray x) {
        NDArray v = x.copy().attachGrad();
        try (var rec = Autograd.record()) {
            Ops.call(op, attrs, v).backward();
        }
        return v.grad();
    }

    @Test
    void maxGivesEveryTiedPositionTheWholeGradient() {
        NDArray x = NDArray.of(Shape.of(2, 3), DType.FLOAT32, 1, 3, 3, 5, 2, 5);
        assertThat(grad("max", Map.of("axis", new int[] {1}), x).toDoubleArray())
                .containsExactly(0, 1, 1, 1, 0, 1);
        assertThat(grad("min", Map.of(), x).toDoubleArray()).containsExactly(1, 0, 0, 0, 0, 0);
    }

    @Test
    void sumAndMeanPutTheGradientBackInFloat32() {
        NDArray x = NDArray.zeros(Shape.of(2, 3, 4), DType.FLOAT32, dev.kiln.ndarray.Device.cpu());
        NDArray g = grad("mean", Map.of("axis", new int[] {1}, "exclude", true), x);
        assertThat(g.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(g.shape()).isEqualTo(x.shape());
        for (double v : g.toDoubleArray()) {
            assertThat(v).isEqualTo(1.0 / 8);
        }
    }

    @Test
    void prodDividesByTheInputAsMXNetDoes() {
        NDArray x = NDArray.of(Shape.of(3), DType.FLOAT64, 2, 0, 4);
        double[] g = grad("prod", Map.of(), x).toDoubleArray();
        assertThat(g[0]).isEqualTo(0.0);
        assertThat(g[1]).isNaN(); // 0 / 0: MXNet's out / x, not the product of the others
        assertThat(nansumOfNaN()).containsExactly(1, 0, 1);
    }

    private static double[] nansumOfNaN() {
        return grad("nansum", Map.of(), NDArray.of(Shape.of(3), DType.FLOAT64, 1, Double.NaN, 2)).toDoubleArray();
    }

    @Test
    void broadcastReducedLikeDifferentiatesToTheReductionAgain() {
        NDArray x = NDArray.of(Shape.of(2, 2), DType.FLOAT64, 1, 2, 3, 4).attachGrad();
        NDArray h = NDArray.of(Shape.of(2, 2), DType.FLOAT64, 1, 10, 100, 1000);
        try (var rec = Autograd.record()) {
            NDArray s = Ops.call("sum", Map.of("axis", new int[] {0}), x);
            NDArray first = Autograd.grad(List.of(s), List.of(x), List.of(s), true, true).get(0);
            // first = s broadcast over axis 0, so d<h, first>/dx = sum(h, axis=0) broadcast back over axis 0
            NDArray second = Autograd.grad(List.of(first), List.of(x), List.of(h), false, false).get(0);
            assertThat(second.toDoubleArray()).containsExactly(101, 1010, 101, 1010);
        }
    }
}
