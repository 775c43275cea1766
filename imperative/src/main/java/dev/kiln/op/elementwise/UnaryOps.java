package dev.kiln.op.elementwise;

import dev.kiln.op.Gradient;
import dev.kiln.op.GradientRule;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;
import dev.kiln.op.ScalarForm;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

import static dev.kiln.op.ScalarForm.Fn.*;
import static dev.kiln.op.ScalarForm.a;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * Kiln's elementwise unary ops with MXNet 1.x names and semantics: the output keeps the input's dtype (so
 * {@code logical_not} of float32 is float32 1/0), except {@code isnan}, {@code isinf} and {@code isfinite}, which
 * give bool as MXNet's NumPy ops do. Rounding follows MXNet: {@code round} is half away from zero, {@code rint} takes
 * the lower neighbour on ties (rint(2.5) = 2, rint(-2.5) = -3), {@code fix} rounds toward zero. Gradient rules
 * compose differentiable ops (so second derivatives work), reusing the output where MXNet does (sigmoid, tanh, sqrt);
 * the piecewise constant ops have MXNet's zero gradient.
 */
public final class UnaryOps implements OpLibrary {
    private static final double PI = Math.PI;

    /**
     * relu's math, {@code max(x, 0)} with NaN kept: one object that {@code relu} and {@code Activation(relu)} share, so
     * a compiler that recognises it may emit {@code Math.max(x, 0)} instead of a call.
     */
    public static final DoubleUnaryOperator RELU = UnaryOps::relu;

    private static final List<OpDef> OPS = List.of(
            // sign and rounding
            UnaryOp.of("negative", "Numerical negative, elementwise", x -> -x)
                    .form(fn(NEG))
                    .gradient(g -> List.of(g.negative(g.outGrad(0))))
                    .onIntegers(x -> -x)
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = -a[i];
                        }
                    }),
            UnaryOp.of("abs", "Absolute value, elementwise", Math::abs)
                    .form(fn(ABS))
                    .gradient(times(g -> g.apply("sign", g.input(0))))
                    .onIntegers(Math::abs)
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = Math.abs(a[i]);
                        }
                    }),
            UnaryOp.of("sign", "Sign (-1, 0 or 1), elementwise; NaN gives 0 as in MXNet", UnaryOps::sign)
                    .form(call(SUB, call(GT, a(), c(0)), call(LT, a(), c(0))))
                    .zeroGradient()
                    .onIntegers(Long::signum)
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            float x = a[i];
                            o[i] = x > 0f ? 1f : x < 0f ? -1f : 0f;
                        }
                    }),
            UnaryOp.of("round", "Rounds to the nearest integer, halves away from zero", UnaryOps::roundHalfAway)
                    .form(call(SELECT, call(LT, a(), c(0)), call(NEG, halfUp(call(ABS, a()))), halfUp(call(ABS, a()))))
                    .zeroGradient()
                    .onIntegers(x -> x),
            UnaryOp.of("rint", "Rounds to the nearest integer, halves to the lower neighbour (MXNet's rint)",
                            UnaryOps::rint)
                    .form(call(SELECT, call(LE, call(SUB, a(), fn(FLOOR)), call(SUB, fn(CEIL), a())), fn(FLOOR),
                            fn(CEIL)))
                    .zeroGradient()
                    .onIntegers(x -> x),
            UnaryOp.of("ceil", "Ceiling, elementwise", Math::ceil)
                    .form(fn(CEIL))
                    .zeroGradient()
                    .onIntegers(x -> x)
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = (float) Math.ceil(a[i]);
                        }
                    }),
            UnaryOp.of("floor", "Floor, elementwise", Math::floor)
                    .form(fn(FLOOR))
                    .zeroGradient()
                    .onIntegers(x -> x)
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = (float) Math.floor(a[i]);
                        }
                    }),
            UnaryOp.of("trunc", "Truncates toward zero, elementwise", UnaryOps::trunc)
                    .form(call(SELECT, call(LT, a(), c(0)), fn(CEIL), fn(FLOOR)))
                    .zeroGradient().onIntegers(x -> x),
            UnaryOp.of("fix", "Rounds toward zero (the neighbour of smaller magnitude), elementwise", UnaryOps::fix)
                    .form(call(SELECT, call(LT, call(ABS, fn(FLOOR)), call(ABS, fn(CEIL))), fn(FLOOR), fn(CEIL)))
                    .zeroGradient()
                    .onIntegers(x -> x),
            // powers and roots
            UnaryOp.of("square", "Square, elementwise", x -> x * x)
                    .form(call(MUL, a(), a()))
                    .gradient(g -> List.of(g.mul(g.outGrad(0), g.mulScalar(g.input(0), 2))))
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = a[i] * a[i];
                        }
                    }),
            UnaryOp.of("sqrt", "Square root, elementwise", Math::sqrt)
                    .form(fn(SQRT))
                    .gradient(over(g -> g.mulScalar(g.output(0), 2)))
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = (float) Math.sqrt(a[i]);
                        }
                    }),
            UnaryOp.of("rsqrt", "Reciprocal square root, elementwise", x -> 1.0 / Math.sqrt(x))
                    .form(call(DIV, c(1), fn(SQRT)))
                    .gradient(times(g -> g.mulScalar(g.mul(g.output(0), square(g, g.output(0))), -0.5)))
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = (float) (1.0 / Math.sqrt(a[i]));
                        }
                    }),
            UnaryOp.of("cbrt", "Cube root, elementwise", Math::cbrt)
                    .form(fn(CBRT))
                    .gradient(over(g -> g.mulScalar(square(g, g.output(0)), 3))),
            UnaryOp.of("rcbrt", "Reciprocal cube root, elementwise", x -> 1.0 / Math.cbrt(x))
                    .form(call(DIV, c(1), fn(CBRT)))
                    .gradient(times(g -> g.mulScalar(square(g, square(g, g.output(0))), -1.0 / 3.0))),
            UnaryOp.of("reciprocal", "Reciprocal 1/x, elementwise", x -> 1.0 / x)
                    .form(call(DIV, c(1), a()))
                    .gradient(times(g -> g.negative(square(g, g.output(0)))))
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = 1f / a[i];
                        }
                    }),
            // exponentials and logarithms
            UnaryOp.of("exp", "Exponential, elementwise", Math::exp)
                    .form(fn(EXP))
                    .gradient(g -> List.of(g.mul(g.outGrad(0), g.output(0)))),
            UnaryOp.of("expm1", "exp(x) - 1, accurate near zero", Math::expm1)
                    .form(fn(EXPM1))
                    .gradient(times(g -> g.apply("exp", g.input(0)))),
            UnaryOp.of("log", "Natural logarithm, elementwise", Math::log)
                    .form(fn(LOG))
                    .gradient(over(g -> g.input(0))),
            UnaryOp.of("log1p", "log(1 + x), accurate near zero", Math::log1p)
                    .form(fn(LOG1P))
                    .gradient(over(g -> g.plusScalar(g.input(0), 1))),
            UnaryOp.of("log2", "Base-2 logarithm, elementwise", SpecialFunctions::log2)
                    .form(call(DIV, fn(LOG), c(Math.log(2))))
                    .gradient(over(g -> g.mulScalar(g.input(0), Math.log(2)))),
            UnaryOp.of("log10", "Base-10 logarithm, elementwise", Math::log10)
                    .form(fn(LOG10))
                    .gradient(over(g -> g.mulScalar(g.input(0), Math.log(10)))),
            // trigonometric and hyperbolic
            UnaryOp.of("sin", "Sine, elementwise", Math::sin)
                    .form(fn(SIN))
                    .gradient(times(g -> g.apply("cos", g.input(0)))),
            UnaryOp.of("cos", "Cosine, elementwise", Math::cos)
                    .form(fn(COS))
                    .gradient(times(g -> g.negative(g.apply("sin", g.input(0))))),
            UnaryOp.of("tan", "Tangent, elementwise", Math::tan)
                    .form(fn(TAN))
                    .gradient(times(g -> g.plusScalar(square(g, g.output(0)), 1))),
            UnaryOp.of("arcsin", "Inverse sine, elementwise", Math::asin)
                    .form(fn(ASIN))
                    .gradient(times(g -> g.apply("rsqrt", g.rminusScalar(square(g, g.input(0)), 1)))),
            UnaryOp.of("arccos", "Inverse cosine, elementwise", Math::acos)
                    .form(fn(ACOS))
                    .gradient(times(g -> g.negative(g.apply("rsqrt", g.rminusScalar(square(g, g.input(0)), 1))))),
            UnaryOp.of("arctan", "Inverse tangent, elementwise", Math::atan)
                    .form(fn(ATAN))
                    .gradient(over(g -> g.plusScalar(square(g, g.input(0)), 1))),
            UnaryOp.of("sinh", "Hyperbolic sine, elementwise", Math::sinh)
                    .form(fn(SINH))
                    .gradient(times(g -> g.apply("cosh", g.input(0)))),
            UnaryOp.of("cosh", "Hyperbolic cosine, elementwise", Math::cosh)
                    .form(fn(COSH))
                    .gradient(times(g -> g.apply("sinh", g.input(0)))),
            UnaryOp.of("tanh", "Hyperbolic tangent, elementwise", Math::tanh)
                    .form(fn(TANH))
                    .gradient(times(g -> g.rminusScalar(square(g, g.output(0)), 1))),
            UnaryOp.of("arcsinh", "Inverse hyperbolic sine, elementwise", SpecialFunctions::asinh)
                    .gradient(times(g -> g.apply("rsqrt", g.plusScalar(square(g, g.input(0)), 1)))),
            UnaryOp.of("arccosh", "Inverse hyperbolic cosine, elementwise", SpecialFunctions::acosh)
                    .gradient(times(g -> g.apply("rsqrt", g.plusScalar(square(g, g.input(0)), -1)))),
            UnaryOp.of("arctanh", "Inverse hyperbolic tangent, elementwise", SpecialFunctions::atanh)
                    .gradient(over(g -> g.rminusScalar(square(g, g.input(0)), 1))),
            UnaryOp.of("degrees", "Converts radians to degrees, elementwise", x -> 180.0 / PI * x)
                    .form(call(MUL, c(180.0 / PI), a()))
                    .gradient(g -> List.of(g.mulScalar(g.outGrad(0), 180.0 / PI))),
            UnaryOp.of("radians", "Converts degrees to radians, elementwise", x -> PI / 180.0 * x)
                    .form(call(MUL, c(PI / 180.0), a()))
                    .gradient(g -> List.of(g.mulScalar(g.outGrad(0), PI / 180.0))),
            // special functions
            UnaryOp.of("erf", "Gauss error function, elementwise", SpecialFunctions::erf, "_npx_erf")
                    .form(fn(ERF))
                    .gradient(times(g -> g.mulScalar(g.apply("exp", g.negative(square(g, g.input(0)))),
                            2.0 / Math.sqrt(PI))))
                    .costly(),
            UnaryOp.of("erfinv", "Inverse Gauss error function, elementwise", SpecialFunctions::erfinv,
                            "_npx_erfinv")
                    .gradient(times(g -> g.mulScalar(g.apply("exp", square(g, g.output(0))), Math.sqrt(PI) / 2.0)))
                    .costly(),
            UnaryOp.of("gamma", "Gamma function, elementwise", SpecialFunctions::gamma, "_npx_gamma")
                    .gradient(g -> List.of(g.apply("_backward_gammaln", g.mul(g.outGrad(0), g.output(0)),
                            g.input(0))))
                    .costly(),
            UnaryOp.of("gammaln", "Log of the absolute gamma function, elementwise", SpecialFunctions::lgamma,
                    "_npx_gammaln")
                    .gradient(g -> List.of(g.apply("_backward_gammaln", g.outGrad(0), g.input(0))))
                    .costly(),
            // activations
            UnaryOp.of("sigmoid", "Logistic sigmoid 1 / (1 + exp(-x)), elementwise", x -> 1.0 / (1.0 + Math.exp(-x)))
                    .form(call(DIV, c(1), call(ADD, c(1), call(EXP, fn(NEG)))))
                    .gradient(times(g -> g.mul(g.output(0), g.rminusScalar(g.output(0), 1)))),
            new HardSigmoidOp(),
            UnaryOp.of("softsign", "x / (1 + |x|), elementwise", x -> x / (1.0 + Math.abs(x)))
                    .form(call(DIV, a(), call(ADD, c(1), fn(ABS))))
                    .gradient(over(g -> square(g, g.plusScalar(g.apply("abs", g.input(0)), 1))))
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = (float) (a[i] / (1.0 + Math.abs(a[i])));
                        }
                    }),
            UnaryOp.of("relu", "Rectified linear unit max(x, 0), elementwise; NaN stays NaN", RELU)
                    .form(call(MAX, a(), c(0)))
                    .gradient(times(g -> g.apply("_greater_scalar", Map.of("scalar", 0.0), g.output(0))))
                    .onIntegers(x -> Math.max(x, 0))
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = Math.max(a[i], 0f);
                        }
                    }),
            // logic and classification
            UnaryOp.of("logical_not", "1 where the element is zero, else 0, in the input's dtype",
                            x -> x != 0.0 ? 0.0 : 1.0)
                    .form(call(EQ, a(), c(0)))
                    .zeroGradient()
                    .onIntegers(x -> x != 0 ? 0 : 1)
                    .float32((a, o, from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = a[i] != 0f ? 0f : 1f;
                        }
                    }),
            new PredicateOp("isnan", "True where the element is NaN", Double::isNaN, "_npi_isnan"),
            new PredicateOp("isinf", "True where the element is positive or negative infinity", Double::isInfinite,
                    "_npi_isinf"),
            new PredicateOp("isfinite", "True where the element is neither NaN nor infinite", Double::isFinite,
                    "_npi_isfinite"),
            PolygammaBackwardOp.gammaln(),
            PolygammaBackwardOp.digamma());

    /** The rule {@code dx = dy * f'}, with the derivative {@code f'} built from the recorded input and output. */
    private static GradientRule times(Function<Gradient<Object>, Object> derivative) {
        return g -> List.of(g.mul(g.outGrad(0), derivative.apply(g)));
    }

    /** The rule {@code dx = dy / d} for derivatives of the form {@code 1 / d}. */
    private static GradientRule over(Function<Gradient<Object>, Object> d) {
        return g -> List.of(g.div(g.outGrad(0), d.apply(g)));
    }

    /** {@code fn(x)}: the scalar form of an op that is one {@link Math} function. */
    private static ScalarForm fn(ScalarForm.Fn fn) {
        return call(fn, a());
    }

    /** {@code floor(y)}, or the next integer where {@code y}'s fraction is at least one half ({@code y >= 0}). */
    private static ScalarForm halfUp(ScalarForm y) {
        ScalarForm floor = call(FLOOR, y);
        return call(SELECT, call(GE, call(SUB, y, floor), c(0.5)), call(ADD, floor, c(1)), floor);
    }

    private static Object square(Gradient<Object> g, Object v) {
        return g.apply("square", v);
    }

    @Override
    public List<OpDef> ops() {
        return OPS;
    }

    static double sign(double x) {
        return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : 0.0;
    }

    /** C's {@code round}: the nearest integer, halves away from zero; exact for every double. */
    static double roundHalfAway(double x) {
        double ax = Math.abs(x);
        double t = Math.floor(ax);
        double r = ax - t >= 0.5 ? t + 1.0 : t;
        return Math.copySign(r, x);
    }

    /** MXNet's {@code rint}: the nearer of floor and ceil, floor on ties. */
    static double rint(double x) {
        double f = Math.floor(x);
        double c = Math.ceil(x);
        return x - f <= c - x ? f : c;
    }

    /** MXNet's {@code fix}: of floor and ceil, the one of smaller magnitude. */
    static double fix(double x) {
        double f = Math.floor(x);
        double c = Math.ceil(x);
        return Math.abs(f) < Math.abs(c) ? f : c;
    }

    static double trunc(double x) {
        return x < 0.0 ? Math.ceil(x) : Math.floor(x);
    }

    static double relu(double x) {
        return Double.isNaN(x) || x > 0.0 ? x : 0.0;
    }
}
