package dev.kiln.op.elementwise;

import java.util.function.DoubleBinaryOperator;

/**
 * The math of one binary elementwise function, shared by its broadcasting, same-shape and scalar ops (e.g.
 * {@code broadcast_add}, {@code elemwise_add} and {@code _plus_scalar} all use {@link Arithmetic#ADD}), so a gradient
 * rule attaches to one place. Floating dtypes use {@link #apply(double, double)}; integer and bool dtypes use
 * {@link #applyExact(long, long)} where MXNet computes natively in the integer type, else
 * {@link #applyToIntegers(double, double)} cast back with MXNet's rules. Cheap functions override the float32 loops
 * with plain counted loops HotSpot vectorises; the default loops call {@link #apply(double, double)}. Functions with
 * a gradient extend {@link Differentiable} and give it once, as formulas over {@link Terms}.
 */
public abstract class BinaryMath implements DoubleBinaryOperator {
    private final String name;
    private final boolean exactOnIntegers;

    /**
     * @param name            the NumPy-style name, e.g. {@code add}
     * @param exactOnIntegers true if integer dtypes use {@link #applyExact(long, long)}
     */
    protected BinaryMath(String name, boolean exactOnIntegers) {
        this.name = name;
        this.exactOnIntegers = exactOnIntegers;
    }

    public final String name() {
        return name;
    }

    /** True if integer dtypes compute natively (wrapping like C++) with {@link #applyExact(long, long)}. */
    public final boolean exactOnIntegers() {
        return exactOnIntegers;
    }

    /** The function on floating values. */
    public abstract double apply(double a, double b);

    /** {@link #apply(double, double)}, so the math is a plain function object to code that calls it per element. */
    @Override
    public final double applyAsDouble(double a, double b) {
        return apply(a, b);
    }

    /**
     * The function on integer values, for math that MXNet computes in the integer type; throws
     * {@link ArithmeticException} for integer division by zero.
     */
    public long applyExact(long a, long b) {
        throw new IllegalStateException(name + " has no exact integer form");
    }

    /** The function on integer values computed through floating point (MXNet's float32 {@code powf} for ints). */
    public double applyToIntegers(double a, double b) {
        return apply(a, b);
    }

    @Override
    public String toString() {
        return name;
    }

    /** True if gradients flow through this function; comparisons and logical functions have zero gradient. */
    public boolean isDifferentiable() {
        return false;
    }

    /**
     * The gradient reaching {@code lhs} when {@code grad} arrives at the output: {@code grad * df/dlhs}, from the
     * operands and the output as terms (a scalar op's scalar is a constant). Written with {@code d}'s ops so it can be
     * differentiated again; broadcasting ops reduce it to the operand's shape afterwards.
     */
    public <T> Terms.Term<T> lhsGradient(Terms<T> d, Terms.Term<T> grad, Terms.Term<T> lhs, Terms.Term<T> rhs,
                                         Terms.Term<T> out) {
        throw new IllegalStateException(name + " has no gradient");
    }

    /** The gradient reaching {@code rhs}: {@code grad * df/drhs}, as {@link #lhsGradient}. */
    public <T> Terms.Term<T> rhsGradient(Terms<T> d, Terms.Term<T> grad, Terms.Term<T> lhs, Terms.Term<T> rhs,
                                         Terms.Term<T> out) {
        throw new IllegalStateException(name + " has no gradient");
    }

    /** A function with a gradient: both partial-derivative formulas are required. */
    public abstract static class Differentiable extends BinaryMath {
        protected Differentiable(String name, boolean exactOnIntegers) {
            super(name, exactOnIntegers);
        }

        @Override
        public final boolean isDifferentiable() {
            return true;
        }

        @Override
        public abstract <T> Terms.Term<T> lhsGradient(Terms<T> d, Terms.Term<T> grad, Terms.Term<T> lhs,
                                                      Terms.Term<T> rhs, Terms.Term<T> out);

        @Override
        public abstract <T> Terms.Term<T> rhsGradient(Terms<T> d, Terms.Term<T> grad, Terms.Term<T> lhs,
                                                      Terms.Term<T> rhs, Terms.Term<T> out);
    }

    /** {@code out[oo+i] = f(a[ao+i], b[bo+i])} for {@code i} in {@code [0, n)}. */
    public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) apply(a[ao + i], b[bo + i]);
        }
    }

    /** {@code out[oo+i] = f(a[ao+i], b)}. */
    public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) apply(a[ao + i], b);
        }
    }

    /** {@code out[oo+i] = f(a, b[bo+i])}. */
    public void sv(float a, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) apply(a, b[bo + i]);
        }
    }

    /** {@code out[oo+i] = f(a[ao+i], b[bo+i])} in float64. */
    public void vv(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = apply(a[ao + i], b[bo + i]);
        }
    }

    /** {@code out[oo+i] = f(a[ao+i], b)} in float64. */
    public void vs(double[] a, int ao, double b, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = apply(a[ao + i], b);
        }
    }

    /** {@code out[oo+i] = f(a, b[bo+i])} in float64. */
    public void sv(double a, double[] b, int bo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = apply(a, b[bo + i]);
        }
    }
}
