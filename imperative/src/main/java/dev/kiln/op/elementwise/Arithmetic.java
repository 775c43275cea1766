package dev.kiln.op.elementwise;

import dev.kiln.op.elementwise.Terms.Term;

/**
 * The arithmetic functions behind MXNet's binary ops, with MXNet's edge cases: {@code mod} takes the divisor's sign
 * (as Python) and gives 0 for a zero divisor; integer {@code divide} truncates and fails on zero; {@code maximum} and
 * {@code minimum} propagate NaN; integer {@code power}, {@code hypot} and {@code arctan2} go through float32 as
 * MXNet's {@code powf} does; {@code power} follows C ({@code 1 ** nan == 1}). Gradients follow MXNet too:
 * {@code maximum} and {@code minimum} send the gradient to {@code lhs} on ties, {@code mod} gives {@code 1} and
 * {@code -floor(lhs / rhs)}, and {@code power}'s {@code rhs} gradient is {@code out * log(lhs)}.
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    public static final BinaryMath ADD = new BinaryMath.Differentiable("add", true) {
        @Override
        public double apply(double a, double b) {
            return a + b;
        }

        @Override
        public long applyExact(long a, long b) {
            return a + b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] + b[bo + i];
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] + b;
            }
        }

        @Override
        public void sv(float a, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a + b[bo + i];
            }
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return grad;
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return grad;
        }
    };

    public static final BinaryMath SUBTRACT = new BinaryMath.Differentiable("subtract", true) {
        @Override
        public double apply(double a, double b) {
            return a - b;
        }

        @Override
        public long applyExact(long a, long b) {
            return a - b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] - b[bo + i];
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] - b;
            }
        }

        @Override
        public void sv(float a, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a - b[bo + i];
            }
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return grad;
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.negative(grad);
        }
    };

    public static final BinaryMath MULTIPLY = new BinaryMath.Differentiable("multiply", true) {
        @Override
        public double apply(double a, double b) {
            return a * b;
        }

        @Override
        public long applyExact(long a, long b) {
            return a * b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] * b[bo + i];
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] * b;
            }
        }

        @Override
        public void sv(float a, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a * b[bo + i];
            }
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.mul(grad, rhs);
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.mul(grad, lhs);
        }
    };

    public static final BinaryMath DIVIDE = new BinaryMath.Differentiable("divide", true) {
        @Override
        public double apply(double a, double b) {
            return a / b;
        }

        @Override
        public long applyExact(long a, long b) {
            return a / b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] / b[bo + i];
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] / b;
            }
        }

        @Override
        public void sv(float a, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a / b[bo + i];
            }
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.div(grad, rhs);
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.negative(d.div(d.mul(grad, out), rhs)); // -grad * lhs / rhs^2
        }
    };

    public static final BinaryMath MOD = new BinaryMath.Differentiable("mod", true) {
        @Override
        public double apply(double a, double b) {
            if (b == 0.0) {
                return 0.0;
            }
            double r = a % b; // C fmod: exact, sign of a
            return r != 0.0 && (r < 0.0) != (b < 0.0) ? r + b : r;
        }

        @Override
        public long applyExact(long a, long b) {
            if (b == 0) {
                return 0;
            }
            long r = a % b;
            return r != 0 && (r < 0) != (b < 0) ? r + b : r;
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return grad;
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.negative(d.mul(grad, d.floor(d.div(lhs, rhs))));
        }
    };

    public static final BinaryMath POWER = new BinaryMath.Differentiable("power", false) {
        @Override
        public double apply(double a, double b) {
            return cPow(a, b);
        }

        @Override
        public double applyToIntegers(double a, double b) {
            return (float) cPow((float) a, (float) b);
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.mul(grad, d.mul(rhs, d.pow(lhs, d.sub(rhs, d.constant(1)))));
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.mul(grad, d.mul(out, d.log(lhs)));
        }
    };

    public static final BinaryMath MAXIMUM = new BinaryMath.Differentiable("maximum", true) {
        @Override
        public double apply(double a, double b) {
            return a > b || a != a ? a : b;
        }

        @Override
        public long applyExact(long a, long b) {
            return Math.max(a, b);
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                float x = a[ao + i];
                float y = b[bo + i];
                out[oo + i] = x > y || x != x ? x : y;
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                float x = a[ao + i];
                out[oo + i] = x > b || x != x ? x : b;
            }
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.mul(grad, d.greaterEqual(lhs, rhs)); // ties go to lhs, as MXNet
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.mul(grad, d.lesser(lhs, rhs));
        }
    };

    public static final BinaryMath MINIMUM = new BinaryMath.Differentiable("minimum", true) {
        @Override
        public double apply(double a, double b) {
            return a < b || a != a ? a : b;
        }

        @Override
        public long applyExact(long a, long b) {
            return Math.min(a, b);
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                float x = a[ao + i];
                float y = b[bo + i];
                out[oo + i] = x < y || x != x ? x : y;
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                float x = a[ao + i];
                out[oo + i] = x < b || x != x ? x : b;
            }
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.mul(grad, d.lesserEqual(lhs, rhs)); // ties go to lhs, as MXNet
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.mul(grad, d.greater(lhs, rhs));
        }
    };

    public static final BinaryMath HYPOT = new BinaryMath.Differentiable("hypot", false) {
        @Override
        public double apply(double a, double b) {
            return Math.hypot(a, b);
        }

        @Override
        public double applyToIntegers(double a, double b) {
            return (float) Math.hypot((float) a, (float) b);
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.div(d.mul(grad, lhs), out);
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.div(d.mul(grad, rhs), out);
        }
    };

    public static final BinaryMath ARCTAN2 = new BinaryMath.Differentiable("arctan2", false) {
        @Override
        public double apply(double a, double b) {
            return Math.atan2(a, b);
        }

        @Override
        public double applyToIntegers(double a, double b) {
            return (float) Math.atan2((float) a, (float) b);
        }

        @Override
        public <T> Term<T> lhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.div(d.mul(grad, rhs), squaredNorm(d, lhs, rhs));
        }

        @Override
        public <T> Term<T> rhsGradient(Terms<T> d, Term<T> grad, Term<T> lhs, Term<T> rhs, Term<T> out) {
            return d.negative(d.div(d.mul(grad, lhs), squaredNorm(d, lhs, rhs)));
        }
    };

    /** {@code lhs^2 + rhs^2}, the denominator of arctan2's derivatives. */
    private static <T> Term<T> squaredNorm(Terms<T> d, Term<T> lhs, Term<T> rhs) {
        return d.add(d.mul(lhs, lhs), d.mul(rhs, rhs));
    }

    /** C's {@code pow}, which differs from {@link Math#pow} only in {@code pow(1, y) = 1} and {@code pow(-1, inf) = 1}. */
    static double cPow(double a, double b) {
        if (a == 1.0 || (a == -1.0 && Double.isInfinite(b))) {
            return 1.0;
        }
        return Math.pow(a, b);
    }
}
