package dev.kiln.compiler.random;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.Random;

/**
 * The values a generated variable holds: signed ({@code -2..2}), positive ({@code 0.25..2}, for variances and
 * logarithms) or integer indices in {@code [low, high)}; integer dtypes
 * outside indices get {@code ±1..3}, never zero, so integer division stays defined (for take, pick, one_hot, sequence lengths).
 *
 * @param low  smallest value
 * @param high bound on the values (exclusive for indices)
 * @param indices whether values are whole numbers
 */
record Domain(double low, double high, boolean indices) {
    static final Domain SIGNED = new Domain(-2, 2, false);
    static final Domain POSITIVE = new Domain(0.25, 2, false);

    /** Whole numbers in {@code [low, high)}. */
    static Domain indices(int low, int high) {
        return new Domain(low, high, true);
    }

    /** Random values of this domain; integer dtypes get whole numbers. */
    NDArray sample(Random rnd, Shape shape, DType dtype) {
        double[] v = new double[shape.size()];
        for (int i = 0; i < v.length; i++) {
            if (indices) {
                v[i] = low + rnd.nextInt((int) (high - low));
            } else if (!dtype.isFloating()) {
                v[i] = dtype == DType.BOOL ? rnd.nextInt(2) : (1 + rnd.nextInt(3)) * (rnd.nextBoolean() ? 1 : -1);
            } else {
                v[i] = low + rnd.nextDouble() * (high - low);
            }
        }
        return NDArray.of(shape, dtype, v);
    }

    @Override
    public String toString() {
        return indices ? "indices [" + (int) low + ", " + (int) high + ")" : "[" + low + ", " + high + "]";
    }
}
