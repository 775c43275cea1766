package dev.kiln.op;

import dev.kiln.op.elementwise.SpecialFunctions;

import java.util.List;

/**
 * An elementwise op's per-element math as a small expression a code generator can emit (a device kernel cannot call
 * the function objects of an {@link ElementwiseFormula}): operands, constants and a fixed set of functions with
 * exactly {@link Math}'s double semantics. {@link #eval} computes in float64; a float32 op's result is that value
 * rounded to float32, and {@link Fn#TO_FLOAT} rounds an intermediate where the op's float32 kernel computes in float
 * (which double arithmetic followed by rounding reproduces exactly for + - * /).
 */
public sealed interface ScalarForm permits ScalarForm.Operand, ScalarForm.Constant, ScalarForm.Call {

    /** The value for operands {@code a} (operand 0) and {@code b} (operand 1). */
    double eval(double a, double b);

    /** Operand {@code index}: 0 the first array (or the data of a scalar op), 1 the second (or the scalar). */
    record Operand(int index) implements ScalarForm {
        public Operand {
            if (index < 0 || index > 1) {
                throw new IllegalArgumentException("scalar form operand " + index + " is not 0 or 1");
            }
        }

        @Override
        public double eval(double a, double b) {
            return index == 0 ? a : b;
        }
    }

    /** A constant, in float64. */
    record Constant(double value) implements ScalarForm {
        @Override
        public double eval(double a, double b) {
            return value;
        }
    }

    /** {@code fn(args)}. */
    record Call(Fn fn, List<ScalarForm> args) implements ScalarForm {
        public Call {
            args = List.copyOf(args);
            if (args.size() != fn.arity()) {
                throw new IllegalArgumentException(fn + " takes " + fn.arity() + " arguments, got " + args.size());
            }
        }

        @Override
        public double eval(double a, double b) {
            double x = args.get(0).eval(a, b);
            double y = args.size() > 1 ? args.get(1).eval(a, b) : 0;
            double z = args.size() > 2 ? args.get(2).eval(a, b) : 0;
            return fn.apply(x, y, z);
        }
    }

    /**
     * The functions: {@code java.lang.Math}'s (by the same name, on doubles), arithmetic, comparisons giving 1 or 0,
     * {@code SELECT(c, t, f)} = {@code c != 0 ? t : f} (NaN counts as true), {@code TO_FLOAT} rounding to float32,
     * {@code REM} Java's {@code %} (C's {@code fmod}: exact, the sign of the dividend), and the error function
     * {@code ERF} and its complement {@code ERFC} (Kiln's {@link SpecialFunctions}; devices approximate them).
     */
    enum Fn {
        NEG(1), ABS(1), EXP(1), EXPM1(1), LOG(1), LOG1P(1), LOG10(1), SQRT(1), CBRT(1), SIN(1), COS(1), TAN(1),
        ASIN(1), ACOS(1), ATAN(1), SINH(1), COSH(1), TANH(1), FLOOR(1), CEIL(1), TO_FLOAT(1), ERF(1), ERFC(1),
        ADD(2), SUB(2), MUL(2), DIV(2), POW(2), MAX(2), MIN(2), HYPOT(2), ATAN2(2), REM(2),
        EQ(2), NE(2), GT(2), GE(2), LT(2), LE(2),
        SELECT(3);

        private final int arity;

        Fn(int arity) {
            this.arity = arity;
        }

        public int arity() {
            return arity;
        }

        /** The function on its arguments ({@code y}, {@code z} unused beyond the arity). */
        public double apply(double x, double y, double z) {
            return switch (this) {
                case NEG -> -x;
                case ABS -> Math.abs(x);
                case EXP -> Math.exp(x);
                case EXPM1 -> Math.expm1(x);
                case LOG -> Math.log(x);
                case LOG1P -> Math.log1p(x);
                case LOG10 -> Math.log10(x);
                case SQRT -> Math.sqrt(x);
                case CBRT -> Math.cbrt(x);
                case SIN -> Math.sin(x);
                case COS -> Math.cos(x);
                case TAN -> Math.tan(x);
                case ASIN -> Math.asin(x);
                case ACOS -> Math.acos(x);
                case ATAN -> Math.atan(x);
                case SINH -> Math.sinh(x);
                case COSH -> Math.cosh(x);
                case TANH -> Math.tanh(x);
                case FLOOR -> Math.floor(x);
                case CEIL -> Math.ceil(x);
                case TO_FLOAT -> (float) x;
                case ERF -> SpecialFunctions.erf(x);
                case ERFC -> SpecialFunctions.erfc(x);
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> x / y;
                case POW -> Math.pow(x, y);
                case MAX -> Math.max(x, y);
                case MIN -> Math.min(x, y);
                case HYPOT -> Math.hypot(x, y);
                case ATAN2 -> Math.atan2(x, y);
                case REM -> x % y;
                case EQ -> x == y ? 1 : 0;
                case NE -> x != y ? 1 : 0;
                case GT -> x > y ? 1 : 0;
                case GE -> x >= y ? 1 : 0;
                case LT -> x < y ? 1 : 0;
                case LE -> x <= y ? 1 : 0;
                case SELECT -> x != 0 ? y : z;
            };
        }
    }

    /** Operand 0. */
    static ScalarForm a() {
        return new Operand(0);
    }

    /** Operand 1. */
    static ScalarForm b() {
        return new Operand(1);
    }

    static ScalarForm c(double value) {
        return new Constant(value);
    }

    static ScalarForm call(Fn fn, ScalarForm... args) {
        return new Call(fn, List.of(args));
    }

    /** This form with operand 1 replaced by {@code value} (a scalar op's scalar), or operands swapped first. */
    default ScalarForm bind(double value, boolean reversed) {
        return switch (this) {
            case Operand o when reversed -> o.index() == 0 ? new Constant(value) : new Operand(0);
            case Operand o -> o.index() == 1 ? new Constant(value) : o;
            case Constant k -> k;
            case Call call -> new Call(call.fn(), call.args().stream().map(f -> f.bind(value, reversed)).toList());
        };
    }
}
