package dev.kiln.op.linalg;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * What the linear-algebra ops share: the floating-point dtype check, the compute type (float16 and bfloat16 are
 * multiplied in float32 and rounded back), and batches of GEMMs over backing arrays with per-matrix offsets.
 */
final class MatrixProducts {
    /** Below this many multiply-adds per matrix, a batch is split across threads by whole matrices. */
    private static final long SMALL_MATRIX_WORK = 1L << 20;

    private MatrixProducts() {
    }

    /** Every input must share one floating dtype, which the output takes. */
    static List<DType> floatingTypes(OpDef op, Attrs attrs, List<DType> types) {
        List<String> names = op.inputNames(attrs);
        DType t = types.get(0);
        for (int i = 0; i < types.size(); i++) {
            if (!types.get(i).isFloating()) {
                throw op.error("input '" + names.get(i) + "' has dtype " + types.get(i)
                        + "; matrix products support float16, bfloat16, float32 and float64");
            }
            if (types.get(i) != t) {
                throw op.error("input '" + names.get(i) + "' has dtype " + types.get(i) + " but '" + names.get(0)
                        + "' has " + t + "; cast one of them");
            }
        }
        return List.of(t);
    }

    /** The backing array to compute with: the live float32/float64 array, or a float32 copy of a 16-bit one. */
    static Object computeData(NDArray x) {
        return switch (x.dtype()) {
            case FLOAT32, FLOAT64 -> x.data();
            default -> x.toFloatArray();
        };
    }

    /** A zero-filled result array of the compute type for {@code n} elements of {@code t}. */
    static Object newResult(DType t, int n) {
        return t == DType.FLOAT64 ? new double[n] : new float[n];
    }

    /**
     * The compute-type array output {@code i} is computed into: for float32 and float64 the output's own
     * ({@link Invocation#newOutput}, the executor's planned array when there is one, so an op using this must write
     * every element and declare {@link OpDef#fillsOutputs}), else a new float32 array that {@link #output} rounds.
     */
    static Object resultArray(Invocation call, int i) {
        DType t = call.outputTypes().get(i);
        if (t == DType.FLOAT32 || t == DType.FLOAT64) {
            return call.newOutput(i).data();
        }
        return newResult(t, call.outputShapes().get(i).size());
    }

    /** Wraps a compute-type result as output {@code i}, rounding to the output dtype when that is 16-bit. */
    static NDArray output(Invocation call, int i, Object result) {
        DType t = call.outputTypes().get(i);
        Shape s = call.outputShapes().get(i);
        if (t == DType.FLOAT32 || t == DType.FLOAT64) {
            return call.wrapOutput(i, result);
        }
        return NDArray.wrap(s, DType.FLOAT32, call.device(), result).astype(t);
    }

    /**
     * {@code C[q] = alpha * op(A[q]) * op(B[q]) + beta * C[q]} for each matrix q, the matrices starting at the given
     * offsets of float[] or double[] arrays. Small matrices are spread over threads; large ones split internally.
     */
    static void gemmBatch(boolean ta, boolean tb, int m, int n, int k, double alpha,
                          Object a, int[] aOffs, int lda, Object b, int[] bOffs, int ldb,
                          double beta, Object c, int[] cOffs, int ldc) {
        int batch = cOffs.length;
        long work = (long) m * n * Math.max(1, k);
        Parallel.RangeBody body = (from, to) -> {
            for (int q = from; q < to; q++) {
                if (c instanceof float[] cf) {
                    Gemm.sgemm(ta, tb, m, n, k, (float) alpha, (float[]) a, aOffs[q], lda, (float[]) b, bOffs[q], ldb,
                            (float) beta, cf, cOffs[q], ldc);
                } else {
                    Gemm.dgemm(ta, tb, m, n, k, alpha, (double[]) a, aOffs[q], lda, (double[]) b, bOffs[q], ldb,
                            beta, (double[]) c, cOffs[q], ldc);
                }
            }
        };
        if (batch > 1 && work < SMALL_MATRIX_WORK) {
            Parallel.forRange(batch, (int) Math.max(1, SMALL_MATRIX_WORK / work), body);
        } else {
            body.run(0, batch);
        }
    }

    /** Offsets {@code 0, step, 2*step, ...} for {@code count} matrices stored back to back. */
    static int[] contiguous(int count, int step) {
        int[] offs = new int[count];
        for (int q = 0; q < count; q++) {
            offs[q] = q * step;
        }
        return offs;
    }
}
