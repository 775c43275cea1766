package dev.kiln.op;

import dev.kiln.ndarray.DType;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * What an elementwise op computes on one element, as {@link OpDef#elementwiseFormula} gives it: the op's own math
 * objects (the ones its kernel runs), so a compiler can fuse a chain of such ops and call the same functions per
 * element instead of writing the formulas again. Each form states its float32 result exactly, so a fused kernel gives
 * the op's results bit for bit: a float32 step rounds to float32 as the op's kernel does between ops.
 */
public sealed interface ElementwiseFormula
        permits ElementwiseFormula.Unary, ElementwiseFormula.Binary, ElementwiseFormula.Scalar {

    /** A label for listings and errors, e.g. {@code sigmoid} or {@code add}. */
    String name();

    /**
     * The math as an expression a code generator can emit (over operands 0 and 1: a scalar op's form has the scalar
     * as operand 1, before {@code reversed}), or null where the op declares none. It agrees with {@link #apply} within
     * float rounding.
     */
    ScalarForm form();

    /** How many arrays the op reads (all of the output's shape): 1 or 2. */
    int arity();

    /**
     * The op's result for one element, operands widened to double ({@code b} unused by one-array forms), in float32
     * when {@code float32} (then exactly a float value) else in float64: the result a fused kernel must reproduce.
     */
    double apply(double a, double b, boolean float32);

    /** A float32 function of one value, computed the way the op's float32 kernel does. */
    @FunctionalInterface
    interface FloatUnary {
        float applyAsFloat(float x);
    }

    /**
     * {@link FloatUnary} over a range of an array at once ({@code y[yo + i] = f(x[xo + i])} for {@code i < n},
     * {@code y} possibly {@code x} at the same offset), for functions whose per-element form is too costly to leave
     * to a scalar loop (a SIMD form); each result equals {@code f32}'s but for rare last-bit differences of the
     * exponential it may use.
     */
    @FunctionalInterface
    interface FloatArrayUnary {
        void apply(float[] x, int xo, float[] y, int yo, int n);
    }

    /**
     * {@code f(x)}: float32 through {@code f32}, float64 through {@code f64}; {@code bulk}, when not null, is
     * {@code f32} over array ranges, which kernels may call instead of {@code f32} element by element.
     */
    record Unary(String name, FloatUnary f32, DoubleUnaryOperator f64, FloatArrayUnary bulk, ScalarForm form)
            implements ElementwiseFormula {
        /** A formula with no array form and no scalar form. */
        public Unary(String name, FloatUnary f32, DoubleUnaryOperator f64) {
            this(name, f32, f64, null, null);
        }

        /** A formula with no scalar form. */
        public Unary(String name, FloatUnary f32, DoubleUnaryOperator f64, FloatArrayUnary bulk) {
            this(name, f32, f64, bulk, null);
        }

        /** This formula with the scalar form {@code form}. */
        public Unary withForm(ScalarForm form) {
            return new Unary(name, f32, f64, bulk, form);
        }

        @Override
        public int arity() {
            return 1;
        }

        @Override
        public double apply(double a, double b, boolean float32) {
            return float32 ? f32.applyAsFloat((float) a) : f64.applyAsDouble(a);
        }
    }

    /**
     * {@code f(lhs, rhs)} of two arrays in float64; float32 rounds the float64 result of the widened operands.
     * {@code f} is the op's function object itself (e.g. a {@code BinaryMath}), so a compiler may recognise it.
     */
    record Binary(String name, DoubleBinaryOperator f, ScalarForm form) implements ElementwiseFormula {
        /** A formula with no scalar form. */
        public Binary(String name, DoubleBinaryOperator f) {
            this(name, f, null);
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public double apply(double a, double b, boolean float32) {
            double r = f.applyAsDouble(a, b);
            return float32 ? (float) r : r;
        }
    }

    /**
     * {@code f(x, scalar)}, or {@code f(scalar, x)} when {@code reversed}; the scalar is first rounded to the data's
     * dtype (float32 for float32 data), then as {@link Binary}.
     */
    record Scalar(String name, DoubleBinaryOperator f, double scalar, boolean reversed, ScalarForm form)
            implements ElementwiseFormula {
        /** A formula with no scalar form. */
        public Scalar(String name, DoubleBinaryOperator f, double scalar, boolean reversed) {
            this(name, f, scalar, reversed, null);
        }

        /** The form of one operand (the data): the scalar bound as the dtype rounds it, or null without a form. */
        public ScalarForm boundForm(boolean float32) {
            return form == null ? null : form.bind(float32 ? scalarFloat() : scalar, reversed);
        }

        @Override
        public int arity() {
            return 1;
        }

        /** The scalar as a float32 kernel sees it. */
        public float scalarFloat() {
            return (float) scalar;
        }

        @Override
        public double apply(double a, double b, boolean float32) {
            double s = float32 ? scalarFloat() : scalar;
            double r = reversed ? f.applyAsDouble(s, a) : f.applyAsDouble(a, s);
            return float32 ? (float) r : r;
        }
    }

    /** True for the dtypes Kiln's ops give formulas for: float32 and float64. */
    static boolean covers(DType dtype) {
        return dtype == DType.FLOAT32 || dtype == DType.FLOAT64;
    }

    /** A unary formula whose float32 result is the float64 function's rounded to float32. */
    static Unary rounding(String name, DoubleUnaryOperator f64) {
        return new Unary(name, x -> (float) f64.applyAsDouble(x), f64);
    }

    /** {@link #rounding(String, DoubleUnaryOperator)} with the scalar form of {@code f64} (may be null). */
    static Unary rounding(String name, DoubleUnaryOperator f64, ScalarForm form) {
        return new Unary(name, x -> (float) f64.applyAsDouble(x), f64, null, form);
    }
}
