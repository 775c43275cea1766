package dev.kiln.op.elementwise;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binary gradients beyond the numeric check: second derivatives (a gradient taken with {@code createGraph}, then
 * differentiated again) against closed forms in float32 and float64, MXNet's tie rule for maximum and minimum, and
 * the zero gradient of comparisons and logical ops.
 */
class BinaryGradientTest {

    /**
     * Records {@code f} on {@code vars} (attached), returns {@code d(sum f)/d vars[wrt]} taken with
     * {@code createGraph}, after checking it against {@code first}; then runs backward from that gradient, filling
     * each variable's {@code grad()} with the second derivative.
     */
    private static void secondOrder(Function<List<NDArray>, NDArray> f, List<NDArray> vars, int wrt,
                                    double[] first, double tol) {
        for (NDArray v : vars) {
            v.attachGrad();
        }
        NDArray y;
        try (var _ = Autograd.record()) {
            y = f.apply(vars);
        }
        NDArray g = Autograd.grad(List.of(y), List.of(vars.get(wrt)), null, false, true).get(0);
        assertThat(g).isCloseTo(first, tol, tol);
        g.backward();
    }

    private static double tol(DType t) {
        return t == DType.FLOAT32 ? 1e-4 : 1e-10;
    }

    private static NDArray uniform(long seed, double low, double high, DType t, int... dims) {
        return new GradientCase.Inputs(seed).uniform(low, high, dims).astype(t);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void mulOfAnArrayWithItselfHasSecondDerivativeTwo(DType t) {
        NDArray x = uniform(1, -2.0, 2.0, t, 2, 3);
        double[] xv = x.toDoubleArray();
        double[] first = new double[6];
        double[] second = new double[6];
        for (int i = 0; i < 6; i++) {
            first[i] = 2 * xv[i];
            second[i] = 2;
        }
        secondOrder(v -> Ops.call("elemwise_mul", v.get(0), v.get(0)), List.of(x), 0, first, tol(t));
        assertThat(x.grad()).isCloseTo(second, tol(t), tol(t));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void divSecondDerivativesThroughTheDivisor(DType t) {
        NDArray x = uniform(2, -2.0, 2.0, t, 2, 3);
        NDArray w = uniform(3, 0.5, 2, t, 2, 3);
        double[] xv = x.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double[] gw = new double[6];
        double[] dx = new double[6];
        double[] dw = new double[6];
        for (int i = 0; i < 6; i++) {
            gw[i] = -xv[i] / (wv[i] * wv[i]);
            dx[i] = -1 / (wv[i] * wv[i]);
            dw[i] = 2 * xv[i] / (wv[i] * wv[i] * wv[i]);
        }
        secondOrder(v -> Ops.call("elemwise_div", v.get(0), v.get(1)), List.of(x, w), 1, gw, tol(t));
        assertThat(x.grad()).isCloseTo(dx, tol(t), tol(t));
        assertThat(w.grad()).isCloseTo(dw, tol(t), tol(t));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void powerSecondDerivativesIncludingTheMixedOne(DType t) {
        NDArray x = uniform(4, 0.5, 2, t, 2, 3);
        NDArray p = uniform(5, -2.0, 2.0, t, 2, 3);
        double[] xv = x.toDoubleArray();
        double[] pv = p.toDoubleArray();
        double[] gx = new double[6];
        double[] dx = new double[6];
        double[] dp = new double[6];
        for (int i = 0; i < 6; i++) {
            double a = xv[i];
            double b = pv[i];
            gx[i] = b * Math.pow(a, b - 1);
            dx[i] = b * (b - 1) * Math.pow(a, b - 2);
            dp[i] = Math.pow(a, b - 1) * (1 + b * Math.log(a));
        }
        secondOrder(v -> Ops.call("broadcast_power", v.get(0), v.get(1)), List.of(x, p), 0, gx, tol(t));
        assertThat(x.grad()).isCloseTo(dx, tol(t), tol(t));
        assertThat(p.grad()).isCloseTo(dp, tol(t), tol(t));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void powerScalarSecondDerivative(DType t) {
        NDArray x = uniform(6, -2.0, 2.0, t, 2, 3);
        double[] xv = x.toDoubleArray();
        double[] gx = new double[6];
        double[] dx = new double[6];
        for (int i = 0; i < 6; i++) {
            gx[i] = 3 * xv[i] * xv[i];
            dx[i] = 6 * xv[i];
        }
        secondOrder(v -> Ops.call("_power_scalar", Map.of("scalar", 3.0), v.get(0)), List.of(x), 0, gx, tol(t));
        assertThat(x.grad()).isCloseTo(dx, tol(t), tol(t));
    }

    /** x (2,3,4) / w (3,1): the divisor's gradient is summed over the broadcast axes, and differentiated again. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void broadcastDivSecondDerivativesThroughTheReducedGradient(DType t) {
        NDArray x = uniform(7, -2.0, 2.0, t, 2, 3, 4);
        NDArray w = uniform(8, 0.5, 2, t, 3, 1);
        double[] xv = x.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double[] gw = new double[3];
        double[] dx = new double[24];
        double[] dw = new double[3];
        for (int i = 0; i < 24; i++) {
            int b = (i / 4) % 3;
            double w2 = wv[b] * wv[b];
            gw[b] -= xv[i] / w2;
            dx[i] = -1 / w2;
            dw[b] += 2 * xv[i] / (w2 * wv[b]);
        }
        secondOrder(v -> Ops.call("broadcast_div", v.get(0), v.get(1)), List.of(x, w), 1, gw, 10 * tol(t));
        assertThat(x.grad()).isCloseTo(dx, tol(t), tol(t));
        assertThat(w.grad()).isCloseTo(dw, 10 * tol(t), 10 * tol(t));
    }

    /** (x * x) (1,4) * w (2,1): both operands broadcast; d/dx = 2x * sum(w), then d/dx again = 2 * sum(w). */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void broadcastMulSecondDerivativesWithBothOperandsBroadcast(DType t) {
        NDArray x = uniform(9, -2.0, 2.0, t, 1, 4);
        NDArray w = uniform(10, -2.0, 2.0, t, 2, 1);
        double[] xv = x.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double sumW = wv[0] + wv[1];
        double sumX = xv[0] + xv[1] + xv[2] + xv[3];
        double[] gx = new double[4];
        double[] dx = new double[4];
        for (int j = 0; j < 4; j++) {
            gx[j] = 2 * xv[j] * sumW;
            dx[j] = 2 * sumW;
        }
        secondOrder(v -> Ops.call("broadcast_mul", Ops.call("broadcast_mul", v.get(0), v.get(0)), v.get(1)),
                List.of(x, w), 0, gx, tol(t));
        assertThat(x.grad()).isCloseTo(dx, tol(t), tol(t));
        assertThat(w.grad()).isCloseTo(new double[] {2 * sumX, 2 * sumX}, tol(t), tol(t));
    }

    /** MXNet sends a tie's gradient to lhs for both maximum ({@code lhs >= rhs}) and minimum ({@code lhs <= rhs}). */
    @Test
    void maximumAndMinimumSendTiesToLhs() {
        double[][] expectLhs = {{1, 1, 0}, {1, 0, 1}};
        String[] ops = {"broadcast_maximum", "broadcast_minimum"};
        for (int k = 0; k < 2; k++) {
            for (String op : List.of(ops[k], k == 0 ? "_maximum" : "_minimum")) {
                NDArray x = NDArray.of(Shape.of(3), DType.FLOAT32, 1, 2, 3).attachGrad();
                NDArray w = NDArray.of(Shape.of(3), DType.FLOAT32, 1, 0, 5).attachGrad();
                try (var _ = Autograd.record()) {
                    Ops.call(op, x, w).backward();
                }
                double[] rhs = new double[3];
                for (int i = 0; i < 3; i++) {
                    rhs[i] = 1 - expectLhs[k][i];
                }
                assertThat(x.grad()).as(op).isCloseTo(expectLhs[k], 0, 0);
                assertThat(w.grad()).as(op).isCloseTo(rhs, 0, 0);
            }
        }
        NDArray x = NDArray.of(Shape.of(3), DType.FLOAT32, 0.5, 1, 2).attachGrad();
        try (var _ = Autograd.record()) {
            Ops.call("_maximum_scalar", Map.of("scalar", 1.0), x).backward();
        }
        assertThat(x.grad()).isCloseTo(new double[] {0, 1, 1}, 0, 0);
        try (var _ = Autograd.record()) {
            Ops.call("_minimum_scalar", Map.of("scalar", 1.0), x).backward();
        }
        assertThat(x.grad()).isCloseTo(new double[] {1, 1, 0}, 0, 0);
    }

    @Test
    void comparisonsAndLogicalOpsHaveZeroGradient() {
        for (OpDef op : OpRegistry.global().ops()) {
            boolean logic = op instanceof BinaryOp b && !b.math().isDifferentiable()
                    || op instanceof ScalarBinaryOp s && !s.math().isDifferentiable();
            if (logic) {
                assertThat(op.hasZeroGradient()).as(op.name()).isTrue();
            }
        }
        assertThat(OpRegistry.global().get("broadcast_greater").isDifferentiable()).isFalse();
        assertThat(OpRegistry.global().get("_logical_and_scalar").isDifferentiable()).isFalse();
        assertThat(OpRegistry.global().get("broadcast_add").isDifferentiable()).isTrue();

        NDArray x = NDArray.of(Shape.of(3), DType.FLOAT32, 1, 2, 3).attachGrad();
        NDArray w = NDArray.of(Shape.of(1), DType.FLOAT32, 2).attachGrad();
        try (var _ = Autograd.record()) {
            NDArray mask = Ops.call("broadcast_greater_equal", x, w);
            Ops.call("elemwise_add", x, Ops.call("_equal_scalar", Map.of("scalar", 1.0), mask)).backward();
        }
        assertThat(x.grad()).isCloseTo(new double[] {1, 1, 1}, 0, 0);
        assertThat(w.grad()).isCloseTo(new double[] {0}, 0, 0);
    }
}
