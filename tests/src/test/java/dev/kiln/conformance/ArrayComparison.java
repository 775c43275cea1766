package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.Arrays;
import java.util.Optional;

/**
 * Compares one Kiln output with MXNet's: shape, dtype, then every element. A mismatch is described by its worst
 * element (n-d index, both values, the allowed and actual difference) and how many elements are off.
 */
final class ArrayComparison {
    private ArrayComparison() {
    }

    /**
     * Empty if {@code kiln} matches {@code mxnet}; otherwise a description of the difference. Floating outputs use
     * {@code tol} (or the dtype's default when null); integer and bool outputs must be equal.
     */
    static Optional<String> compare(NDArray kiln, NDArray mxnet, Tolerance tol) {
        if (!kiln.shape().equals(mxnet.shape())) {
            return Optional.of("shape differs: Kiln " + kiln.shape() + ", MXNet " + mxnet.shape());
        }
        if (kiln.dtype() != mxnet.dtype()) {
            return Optional.of("dtype differs: Kiln " + kiln.dtype() + ", MXNet " + mxnet.dtype() + " (shape "
                    + mxnet.shape() + ")");
        }
        DType t = mxnet.dtype();
        return t.isFloating() ? compareFloating(kiln, mxnet, tol == null ? Tolerance.of(t) : tol)
                : compareExact(kiln, mxnet);
    }

    private static Optional<String> compareExact(NDArray kiln, NDArray mxnet) {
        long[] k = kiln.toLongArray();
        long[] m = mxnet.toLongArray();
        int first = -1;
        int count = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != m[i]) {
                count++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (count == 0) {
            return Optional.empty();
        }
        return Optional.of(count + " of " + k.length + " elements differ (exact " + mxnet.dtype() + "); first at "
                + index(mxnet.shape(), first) + ": Kiln " + k[first] + ", MXNet " + m[first]);
    }

    private static Optional<String> compareFloating(NDArray kiln, NDArray mxnet, Tolerance tol) {
        double[] k = kiln.toDoubleArray();
        double[] m = mxnet.toDoubleArray();
        int worst = -1;
        double worstExcess = 0;
        int count = 0;
        for (int i = 0; i < k.length; i++) {
            double excess = excess(k[i], m[i], tol);
            if (excess > 0) {
                count++;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (count == 0) {
            return Optional.empty();
        }
        double diff = Math.abs(k[worst] - m[worst]);
        return Optional.of(count + " of " + k.length + " elements differ beyond " + tol + " (" + mxnet.dtype()
                + "); worst at " + index(mxnet.shape(), worst) + ": Kiln " + format(k[worst], mxnet.dtype())
                + ", MXNet "
                + format(m[worst], mxnet.dtype()) + ", |diff| " + (float) diff + " > allowed "
                + (float) (tol.atol() + tol.rtol() * Math.abs(m[worst])));
    }

    /** How far {@code k} is beyond the allowed distance from {@code m}; positive means a mismatch. */
    private static double excess(double k, double m, Tolerance tol) {
        if (Double.isNaN(m) || Double.isNaN(k)) {
            return Double.isNaN(m) && Double.isNaN(k) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (k == m) {
            return 0;
        }
        if (Double.isInfinite(m) || Double.isInfinite(k)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(k - m) - (tol.atol() + tol.rtol() * Math.abs(m));
    }

    /** A value as its dtype prints it: float32 and narrower with float precision, integers without a fraction. */
    static String format(double v, DType t) {
        return switch (t) {
            case FLOAT64 -> Double.toString(v);
            case FLOAT32, FLOAT16, BFLOAT16 -> Float.toString((float) v);
            default -> Long.toString((long) v);
        };
    }

    /** Every value of a small array in its dtype's print form. */
    static String values(NDArray a) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < a.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(format(a.getDouble(i), a.dtype()));
        }
        return sb.append(']').toString();
    }

    /** The n-d index of flat element {@code flat}, in Python's tuple form. */
    static String index(Shape shape, int flat) {
        int[] idx = new int[shape.rank()];
        for (int d = shape.rank() - 1; d >= 0; d--) {
            int n = shape.get(d);
            idx[d] = flat % n;
            flat /= n;
        }
        String s = Arrays.toString(idx);
        return "(" + s.substring(1, s.length() - 1) + (idx.length == 1 ? ",)" : ")");
    }
}
