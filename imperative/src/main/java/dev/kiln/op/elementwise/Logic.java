package dev.kiln.op.elementwise;

/**
 * Comparisons and logical functions with MXNet's legacy result: 1 or 0 in the inputs' dtype (float32 1.0/0.0 for
 * float32 inputs). NaN compares unequal to everything and counts as true in the logical functions, as in C. None of
 * them is differentiable: as in MXNet, backward gives their inputs a zero gradient.
 */
public final class Logic {
    private Logic() {
    }

    /** A comparison; subclasses give the test once for doubles, longs and floats. */
    private abstract static class Comparison extends BinaryMath {
        Comparison(String name) {
            super(name, true);
        }

        abstract boolean test(double a, double b);

        abstract boolean test(long a, long b);

        @Override
        public final double apply(double a, double b) {
            return test(a, b) ? 1.0 : 0.0;
        }

        @Override
        public final long applyExact(long a, long b) {
            return test(a, b) ? 1 : 0;
        }
    }

    public static final BinaryMath EQUAL = new Comparison("equal") {
        @Override
        boolean test(double a, double b) {
            return a == b;
        }

        @Override
        boolean test(long a, long b) {
            return a == b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] == b[bo + i] ? 1f : 0f;
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] == b ? 1f : 0f;
            }
        }
    };

    public static final BinaryMath NOT_EQUAL = new Comparison("not_equal") {
        @Override
        boolean test(double a, double b) {
            return a != b;
        }

        @Override
        boolean test(long a, long b) {
            return a != b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] != b[bo + i] ? 1f : 0f;
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] != b ? 1f : 0f;
            }
        }
    };

    public static final BinaryMath GREATER = new Comparison("greater") {
        @Override
        boolean test(double a, double b) {
            return a > b;
        }

        @Override
        boolean test(long a, long b) {
            return a > b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] > b[bo + i] ? 1f : 0f;
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] > b ? 1f : 0f;
            }
        }
    };

    public static final BinaryMath GREATER_EQUAL = new Comparison("greater_equal") {
        @Override
        boolean test(double a, double b) {
            return a >= b;
        }

        @Override
        boolean test(long a, long b) {
            return a >= b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] >= b[bo + i] ? 1f : 0f;
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] >= b ? 1f : 0f;
            }
        }
    };

    public static final BinaryMath LESSER = new Comparison("lesser") {
        @Override
        boolean test(double a, double b) {
            return a < b;
        }

        @Override
        boolean test(long a, long b) {
            return a < b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] < b[bo + i] ? 1f : 0f;
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] < b ? 1f : 0f;
            }
        }
    };

    public static final BinaryMath LESSER_EQUAL = new Comparison("lesser_equal") {
        @Override
        boolean test(double a, double b) {
            return a <= b;
        }

        @Override
        boolean test(long a, long b) {
            return a <= b;
        }

        @Override
        public void vv(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] <= b[bo + i] ? 1f : 0f;
            }
        }

        @Override
        public void vs(float[] a, int ao, float b, float[] out, int oo, int n) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i] <= b ? 1f : 0f;
            }
        }
    };

    public static final BinaryMath LOGICAL_AND = new Comparison("logical_and") {
        @Override
        boolean test(double a, double b) {
            return a != 0.0 && b != 0.0;
        }

        @Override
        boolean test(long a, long b) {
            return a != 0 && b != 0;
        }
    };

    public static final BinaryMath LOGICAL_OR = new Comparison("logical_or") {
        @Override
        boolean test(double a, double b) {
            return a != 0.0 || b != 0.0;
        }

        @Override
        boolean test(long a, long b) {
            return a != 0 || b != 0;
        }
    };

    public static final BinaryMath LOGICAL_XOR = new Comparison("logical_xor") {
        @Override
        boolean test(double a, double b) {
            return (a != 0.0) != (b != 0.0);
        }

        @Override
        boolean test(long a, long b) {
            return (a != 0) != (b != 0);
        }
    };
}
