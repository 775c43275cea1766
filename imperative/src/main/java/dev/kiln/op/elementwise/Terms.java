package dev.kiln.op.elementwise;

import dev.kiln.op.Gradient;

import java.util.Map;
import java.util.function.DoubleBinaryOperator;

/**
 * The algebra the derivative formulas of binary functions ({@link BinaryMath.Differentiable}) are written in. A term
 * is an array, applied through a {@link Gradient} so the result has history of its own (higher-order gradients), or a
 * constant: the scalar ops' {@code scalar}. Constants fold (a constant times an array becomes {@code _mul_scalar},
 * times one disappears), so one formula per function serves the broadcasting, same-shape and scalar ops cheaply.
 *
 * @param <T> the value type, {@code NDArray} or {@code Symbol}
 */
public final class Terms<T> {
    /** An array ({@code array != null}) or a constant. */
    public record Term<T>(T array, double constant) {
        public boolean isConstant() {
            return array == null;
        }

        boolean is(double c) {
            return array == null && constant == c;
        }
    }

    private final Gradient<T> g;

    Terms(Gradient<T> g) {
        this.g = g;
    }

    public Term<T> of(T array) {
        return new Term<>(array, 0);
    }

    public Term<T> constant(double c) {
        return new Term<>(null, c);
    }

    /** The array of a term that must be one (a gradient: the output gradient was an array). */
    T array(Term<T> t) {
        if (t.isConstant()) {
            throw new IllegalStateException("a binary gradient formula folded to the constant " + t.constant());
        }
        return t.array();
    }

    public Term<T> add(Term<T> a, Term<T> b) {
        if (a.isConstant() && b.isConstant()) {
            return constant(a.constant() + b.constant());
        }
        if (a.is(0)) {
            return b;
        }
        if (b.is(0)) {
            return a;
        }
        if (a.isConstant() || b.isConstant()) {
            Term<T> x = a.isConstant() ? b : a;
            return scalarOp("_plus_scalar", x, (a.isConstant() ? a : b).constant());
        }
        return of(g.add(a.array(), b.array()));
    }

    public Term<T> sub(Term<T> a, Term<T> b) {
        if (a.isConstant() && b.isConstant()) {
            return constant(a.constant() - b.constant());
        }
        if (b.is(0)) {
            return a;
        }
        if (a.is(0)) {
            return negative(b);
        }
        if (b.isConstant()) {
            return scalarOp("_minus_scalar", a, b.constant());
        }
        if (a.isConstant()) {
            return scalarOp("_rminus_scalar", b, a.constant());
        }
        return of(g.sub(a.array(), b.array()));
    }

    public Term<T> mul(Term<T> a, Term<T> b) {
        if (a.isConstant() && b.isConstant()) {
            return constant(a.constant() * b.constant());
        }
        if (a.isConstant() || b.isConstant()) {
            Term<T> x = a.isConstant() ? b : a;
            double c = (a.isConstant() ? a : b).constant();
            return c == 1 ? x : c == -1 ? negative(x) : scalarOp("_mul_scalar", x, c);
        }
        return of(g.mul(a.array(), b.array()));
    }

    public Term<T> div(Term<T> a, Term<T> b) {
        if (a.isConstant() && b.isConstant()) {
            return constant(a.constant() / b.constant());
        }
        if (b.is(1)) {
            return a;
        }
        if (b.isConstant()) {
            return scalarOp("_div_scalar", a, b.constant());
        }
        if (a.isConstant()) {
            return scalarOp("_rdiv_scalar", b, a.constant());
        }
        return of(g.div(a.array(), b.array()));
    }

    public Term<T> negative(Term<T> a) {
        return a.isConstant() ? constant(-a.constant()) : of(g.negative(a.array()));
    }

    /** {@code a ** b} with C's {@code pow}, as the forward op. */
    public Term<T> pow(Term<T> a, Term<T> b) {
        if (a.isConstant() && b.isConstant()) {
            return constant(Arithmetic.cPow(a.constant(), b.constant()));
        }
        if (b.is(1)) {
            return a;
        }
        if (b.isConstant()) {
            return scalarOp("_power_scalar", a, b.constant());
        }
        if (a.isConstant()) {
            return scalarOp("_rpower_scalar", b, a.constant());
        }
        return of(g.apply("broadcast_power", a.array(), b.array()));
    }

    public Term<T> log(Term<T> a) {
        return a.isConstant() ? constant(Math.log(a.constant())) : of(g.apply("log", a.array()));
    }

    public Term<T> floor(Term<T> a) {
        return a.isConstant() ? constant(Math.floor(a.constant())) : of(g.apply("floor", a.array()));
    }

    /** 1 where {@code a >= b}, else 0: a mask with zero gradient of its own. */
    public Term<T> greaterEqual(Term<T> a, Term<T> b) {
        return compare("greater_equal", "lesser_equal", a, b, Logic.GREATER_EQUAL::apply);
    }

    /** 1 where {@code a > b}, else 0. */
    public Term<T> greater(Term<T> a, Term<T> b) {
        return compare("greater", "lesser", a, b, Logic.GREATER::apply);
    }

    /** 1 where {@code a <= b}, else 0. */
    public Term<T> lesserEqual(Term<T> a, Term<T> b) {
        return compare("lesser_equal", "greater_equal", a, b, Logic.LESSER_EQUAL::apply);
    }

    /** 1 where {@code a < b}, else 0. */
    public Term<T> lesser(Term<T> a, Term<T> b) {
        return compare("lesser", "greater", a, b, Logic.LESSER::apply);
    }

    /** A comparison; with a constant on the left it is the mirrored comparison's scalar op ({@code c >= x} is {@code x <= c}). */
    private Term<T> compare(String name, String mirrored, Term<T> a, Term<T> b, DoubleBinaryOperator onConstants) {
        if (a.isConstant() && b.isConstant()) {
            return constant(onConstants.applyAsDouble(a.constant(), b.constant()));
        }
        if (b.isConstant()) {
            return scalarOp("_" + name + "_scalar", a, b.constant());
        }
        if (a.isConstant()) {
            return scalarOp("_" + mirrored + "_scalar", b, a.constant());
        }
        return of(g.apply("broadcast_" + name, a.array(), b.array()));
    }

    private Term<T> scalarOp(String op, Term<T> x, double scalar) {
        return of(g.apply(op, Map.of("scalar", scalar), x.array()));
    }
}
