package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;

/**
 * An array viewed as {@code outer x length x inner}, whose "rows" are the {@code outer * inner} strided runs of
 * {@code length} elements along one axis. Softmax and the normalisation ops work row by row: a row is copied into
 * a {@code double[]} (exact for every float dtype), worked on there, and written back rounded to the output dtype.
 *
 * @param outer  product of the dims before the axis
 * @param length the dim of the axis
 * @param inner  product of the dims after the axis (the stride between neighbours of a row)
 */
record Rows(int outer, int length, int inner) {

    /** The rows of {@code shape} along {@code axis} (already normalised). */
    static Rows along(Shape shape, int axis) {
        return new Rows(shape.sizeOf(0, axis), shape.get(axis), shape.sizeOf(axis + 1, shape.rank()));
    }

    /** Number of rows. */
    int count() {
        return outer * inner;
    }

    /** Flat index of the first element of row {@code r}. */
    int base(int r) {
        int o = r / inner;
        int i = r - o * inner;
        return o * length * inner + i;
    }

    /** A grain for {@link dev.kiln.parallel.Parallel#forRange} over rows: enough rows for about 16k elements. */
    int grain() {
        return Math.max(1, 16384 / Math.max(1, length));
    }

    /** Copies {@code n} elements of {@code a} from {@code base} with {@code stride} into {@code buf[off..]}. */
    static void gather(NDArray a, int base, int stride, int n, double[] buf, int off) {
        switch (a.data()) {
            case float[] f when stride == 1 -> {
                for (int j = 0; j < n; j++) {
                    buf[off + j] = f[base + j];
                }
            }
            case float[] f -> {
                for (int j = 0; j < n; j++) {
                    buf[off + j] = f[base + j * stride];
                }
            }
            case double[] d -> {
                for (int j = 0; j < n; j++) {
                    buf[off + j] = d[base + j * stride];
                }
            }
            default -> {
                DType t = a.dtype();
                Object data = a.data();
                for (int j = 0; j < n; j++) {
                    buf[off + j] = Storage.get(t, data, base + j * stride);
                }
            }
        }
    }

    /** Writes {@code buf[off..off+n)} into {@code a} from {@code base} with {@code stride}, rounding to its dtype. */
    static void scatter(double[] buf, int off, NDArray a, int base, int stride, int n) {
        switch (a.data()) {
            case float[] f when stride == 1 -> {
                for (int j = 0; j < n; j++) {
                    f[base + j] = (float) buf[off + j];
                }
            }
            case float[] f -> {
                for (int j = 0; j < n; j++) {
                    f[base + j * stride] = (float) buf[off + j];
                }
            }
            case double[] d -> {
                for (int j = 0; j < n; j++) {
                    d[base + j * stride] = buf[off + j];
                }
            }
            default -> {
                DType t = a.dtype();
                Object data = a.data();
                for (int j = 0; j < n; j++) {
                    Storage.set(t, data, base + j * stride, buf[off + j]);
                }
            }
        }
    }

    /** All elements of {@code a} as doubles (parameter vectors such as gamma and beta). */
    static double[] all(NDArray a) {
        double[] out = new double[a.size()];
        gather(a, 0, 1, out.length, out, 0);
        return out;
    }
}
