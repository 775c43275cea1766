package dev.kiln.op.elementwise;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Second derivatives of unary ops: {@code Autograd.grad(..., createGraph=true)} gives the first derivative with a
 * recorded history, whose backward must give the closed-form second derivative. This holds only if every gradient
 * rule is built from differentiable ops.
 */
class UnaryGradientSecondOrderTest {
    private static final double EULER_GAMMA = 0.5772156649015329;

    /** Checks f' and f'' of {@code op} at {@code xs} in {@code dtype} against closed forms. */
    private static void check(String op, DType dtype, double[] xs, DoubleUnaryOperator first,
                              DoubleUnaryOperator second) {
        double tol = dtype == DType.FLOAT64 ? 1e-12 : 2e-5;
        NDArray x = NDArray.of(Shape.of(xs.length), DType.FLOAT64, xs).astype(dtype);
        x.attachGrad();
        NDArray dy;
        try (Autograd.Scope ignored = Autograd.record()) {
            NDArray y = Ops.call(op, x);
            dy = Autograd.grad(List.of(y), List.of(x), null, true, true).get(0);
        }
        dy.backward();
        double[] d1 = new double[xs.length];
        double[] d2 = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double xi = x.getDouble(i);
            d1[i] = first.applyAsDouble(xi);
            d2[i] = second.applyAsDouble(xi);
        }
        assertThat(dy).as(op + "'").hasDType(dtype).isCloseTo(d1, tol, tol);
        assertThat(x.grad()).as(op + "''").hasDType(dtype).isCloseTo(d2, tol, tol);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void sinAndExp(DType t) {
        double[] xs = {-2.5, -0.3, 0.0, 0.7, 1.9};
        check("sin", t, xs, Math::cos, x -> -Math.sin(x));
        check("exp", t, xs, Math::exp, Math::exp);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void tanhAndSigmoidFromTheirOutputs(DType t) {
        double[] xs = {-2.0, -0.5, 0.0, 0.4, 1.5};
        check("tanh", t, xs, x -> 1 - Math.tanh(x) * Math.tanh(x),
                x -> -2 * Math.tanh(x) * (1 - Math.tanh(x) * Math.tanh(x)));
        DoubleUnaryOperator s = x -> 1 / (1 + Math.exp(-x));
        check("sigmoid", t, xs, x -> s.applyAsDouble(x) * (1 - s.applyAsDouble(x)),
                x -> s.applyAsDouble(x) * (1 - s.applyAsDouble(x)) * (1 - 2 * s.applyAsDouble(x)));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void logAndSqrt(DType t) {
        double[] xs = {0.25, 0.5, 1.0, 2.0, 3.5};
        check("log", t, xs, x -> 1 / x, x -> -1 / (x * x));
        check("sqrt", t, xs, x -> 0.5 / Math.sqrt(x), x -> -0.25 / (x * Math.sqrt(x)));
    }

    @Test
    void reluHasAStepDerivativeAndZeroSecondDerivative() {
        check("relu", DType.FLOAT64, new double[] {-1.5, -0.2, 0.3, 2.0}, x -> x > 0 ? 1 : 0, x -> 0);
    }

    @Test
    void reciprocalErfAndArctanh() {
        check("reciprocal", DType.FLOAT64, new double[] {-2, -0.5, 0.5, 3}, x -> -1 / (x * x), x -> 2 / (x * x * x));
        double c = 2 / Math.sqrt(Math.PI);
        check("erf", DType.FLOAT64, new double[] {-1.2, 0, 0.3, 2}, x -> c * Math.exp(-x * x),
                x -> -2 * x * c * Math.exp(-x * x));
        check("arctanh", DType.FLOAT64, new double[] {-0.7, 0, 0.4}, x -> 1 / (1 - x * x),
                x -> 2 * x / ((1 - x * x) * (1 - x * x)));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void gammalnGivesDigammaThenTrigammaAtKnownPoints(DType t) {
        // psi(1) = -gamma, psi(2) = 1 - gamma, psi(1/2) = -gamma - 2 log 2; psi'(1) = pi^2/6, psi'(1/2) = pi^2/2
        double[] xs = {0.5, 1.0, 2.0};
        double[] psi = {-EULER_GAMMA - 2 * Math.log(2), -EULER_GAMMA, 1 - EULER_GAMMA};
        double[] psi1 = {Math.PI * Math.PI / 2, Math.PI * Math.PI / 6, Math.PI * Math.PI / 6 - 1};
        check("gammaln", t, xs, x -> psi[x == 0.5 ? 0 : (int) x], x -> psi1[x == 0.5 ? 0 : (int) x]);
        // gamma'' = gamma * (psi^2 + psi'); gamma(1) = gamma(2) = 1
        check("gamma", t, new double[] {1.0, 2.0}, x -> psi[(int) x],
                x -> psi[(int) x] * psi[(int) x] + psi1[(int) x]);
    }

    /** f'(x) from the gradient rule, recorded if {@code createGraph} so that it can be differentiated again. */
    private static NDArray firstDerivative(String op, NDArray x, boolean createGraph) {
        try (Autograd.Scope ignored = Autograd.record()) {
            NDArray y = Ops.call(op, x);
            return Autograd.grad(List.of(y), List.of(x), null, createGraph, createGraph).get(0);
        }
    }

    private static NDArray shifted(double[] xs, double by) {
        double[] v = xs.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += by;
        }
        NDArray a = NDArray.of(Shape.of(v.length), DType.FLOAT64, v);
        a.attachGrad();
        return a;
    }

    /**
     * Every rule differentiated again against central differences of the rule itself. The ops are elementwise, so
     * shifting all elements at once gives the whole (diagonal) second derivative. (negative, degrees and radians
     * are left out: their derivative is a constant with no history to differentiate.)
     */
    @Test
    void everyRuleHasTheDerivativeOfCentralDifferences() {
        double[] positive = {0.3, 0.45, 0.8, 1.7};
        double[] unit = {-0.8, -0.3, 0.2, 0.65};
        double[] wide = {-2.2, -0.7, 0.4, 1.3};
        double[][] domains = {positive, unit, wide};
        String[][] opsPerDomain = {
            {"sqrt", "rsqrt", "cbrt", "rcbrt", "reciprocal", "log", "log1p", "log2", "log10", "gamma", "gammaln"},
            {"arcsin", "arccos", "arctanh", "erfinv", "tan"},
            {"abs", "square", "exp", "expm1", "sin", "cos", "sinh", "cosh", "tanh", "arctan", "arcsinh", "erf",
                "sigmoid", "softsign", "relu", "hard_sigmoid"},
        };
        double eps = 1e-6;
        for (int d = 0; d < domains.length; d++) {
            for (String op : opsPerDomain[d]) {
                NDArray x = shifted(domains[d], 0);
                NDArray dy = firstDerivative(op, x, true);
                dy.backward();
                double[] up = firstDerivative(op, shifted(domains[d], eps), false).toDoubleArray();
                double[] down = firstDerivative(op, shifted(domains[d], -eps), false).toDoubleArray();
                double[] expected = new double[up.length];
                for (int i = 0; i < up.length; i++) {
                    expected[i] = (up[i] - down[i]) / (2 * eps);
                }
                assertThat(x.grad()).as(op + "''").isCloseTo(expected, 1e-5, 1e-6);
            }
        }
        double[] arccosh = {1.2, 1.5, 2.5};
        NDArray x = shifted(arccosh, 0);
        firstDerivative("arccosh", x, true).backward();
        assertThat(x.grad()).as("arccosh''").isCloseTo(new double[] {
            -1.2 / Math.pow(0.44, 1.5), -1.5 / Math.pow(1.25, 1.5), -2.5 / Math.pow(5.25, 1.5)}, 1e-12, 1e-12);
    }

    @Test
    void roundingSignAndLogicalNotPassZeroGradient() {
        for (String op : new String[] {"round", "rint", "floor", "ceil", "trunc", "fix", "sign", "logical_not"}) {
            assertThat(OpRegistry.global().get(op).isDifferentiable()).as(op).isFalse();
            NDArray x = NDArray.of(Shape.of(3), DType.FLOAT64, -1.4, 0.2, 2.6);
            x.attachGrad();
            NDArray y;
            try (Autograd.Scope ignored = Autograd.record()) {
                y = Ops.call("broadcast_mul", Ops.call(op, x), x);
            }
            y.backward();
            double[] f = new double[3];
            for (int i = 0; i < 3; i++) {
                f[i] = Ops.call(op, x).getDouble(i);
            }
            // d(op(x) * x)/dx = op(x): only the second factor contributes
            assertThat(x.grad()).as(op).isCloseTo(f, 0, 0);
        }
    }
}
