package dev.kiln.op.elementwise;

/**
 * The arithmetic functions behind MXNet's binary ops, with MXNet's edge cases: {@code mod} takes the divisor's sign
 * (as Python) and gives 0 for a zero divisor; integer {@code divide} truncates and fails on zero; {@code maximum} and
 * {@code minimum} propagate NaN; integer {@code power}, {@code hypot} and {@code arctan2} go through float32 as
 * MXNet's {@code powf} does; {@code power} follows C ({@code 1 ** nan == 1}).
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    public static final BinaryMath ADD = new BinaryMath("add", true) {
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
    };

    public static final BinaryMath SUBTRACT = new BinaryMath("subtract", true) {
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
    };

    public static final BinaryMath MULTIPLY = new BinaryMath("multiply", true) {
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
    };

    public static final BinaryMath DIVIDE = new BinaryMath("divide", true) {
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
    };

    public static final BinaryMath MOD = new BinaryMath("mod", true) {
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
    };

    public static final BinaryMath POWER = new BinaryMath("power", false) {
        @Override
        public double apply(double a, double b) {
            return cPow(a, b);
        }

        @Override
        public double applyToIntegers(double a, double b) {
            return (float) cPow((float) a, (float) b);
        }
    };

    public static final BinaryMath MAXIMUM = new BinaryMath("maximum", true) {
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
    };

    public static final BinaryMath MINIMUM = new BinaryMath("minimum", true) {
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
    };

    public static final BinaryMath HYPOT = new BinaryMath("hypot", false) {
        @Override
        public double apply(double a, double b) {
            return Math.hypot(a, b);
        }

        @Override
        public double applyToIntegers(double a, double b) {
            return (float) Math.hypot((float) a, (float) b);
        }
    };

    public static final BinaryMath ARCTAN2 = new BinaryMath("arctan2", false) {
        @Override
        public double apply(double a, double b) {
            return Math.atan2(a, b);
        }

        @Override
        public double applyToIntegers(double a, double b) {
            return (float) Math.atan2((float) a, (float) b);
        }
    };

    /** C's {@code pow}, which differs from {@link Math#pow} only in {@code pow(1, y) = 1} and {@code pow(-1, inf) = 1}. */
    static double cPow(double a, double b) {
        if (a == 1.0 || (a == -1.0 && Double.isInfinite(b))) {
            return 1.0;
        }
        return Math.pow(a, b);
    }
}
