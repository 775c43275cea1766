package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.parallel.Parallel;

import java.util.function.DoubleUnaryOperator;

/**
 * Applies an element-wise formula in parallel chunks: float32 through its {@code float} function on the backing
 * {@code float[]}, float64 on {@code double[]}, and other dtypes in double precision rounded to the output dtype.
 */
final class Elementwise {
    static final int GRAIN = 16384;

    private Elementwise() {
    }

    /** {@code out[i] = f(in[i])}; {@code in} and {@code out} have the same size and dtype. */
    static void map(NDArray in, NDArray out, ElementwiseFormula.Unary f) {
        int n = in.size();
        Object src = in.data();
        Object dst = out.data();
        ElementwiseFormula.FloatUnary f32 = f.f32();
        DoubleUnaryOperator f64 = f.f64();
        ElementwiseFormula.FloatArrayUnary bulk = f.bulk();
        if (bulk != null && src instanceof float[] x && dst instanceof float[] y) {
            Parallel.forRange(n, GRAIN, (from, to) -> bulk.apply(x, from, y, from, to - from));
        } else if (src instanceof float[] x && dst instanceof float[] y) {
            Parallel.forRange(n, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    y[i] = f32.applyAsFloat(x[i]);
                }
            });
        } else if (src instanceof double[] x && dst instanceof double[] y) {
            Parallel.forRange(n, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    y[i] = f64.applyAsDouble(x[i]);
                }
            });
        } else {
            DType ti = in.dtype();
            DType to = out.dtype();
            Parallel.forRange(n, GRAIN, (from, end) -> {
                for (int i = from; i < end; i++) {
                    Storage.set(to, dst, i, f64.applyAsDouble(Storage.get(ti, src, i)));
                }
            });
        }
    }
}
