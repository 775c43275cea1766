package dev.kiln.compiler.jit;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpFamily;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * float32 {@code batch_dot} of multi-head attention, reading operands and writing its result where the heads are
 * ({@link HeadLayoutFusion}): an operand, or the result, may be a (B, T, H * D) array read as the B * H matrices
 * (T, D) that {@code Reshape (B, T, H, D)}, {@code transpose (0, 2, 1, 3)}, {@code Reshape (B * H, T, D)} would copy
 * out of it (matrix {@code b * H + h} is columns {@code [h * D, (h + 1) * D)} of batch b); the result's (B, T, H * N)
 * form is what the reverse chain would make of the (B * H, T, N) product. Every matrix is one GEMM with the row
 * stride of the array it lives in, so the copies disappear and each product is the one {@code batch_dot} computes,
 * bit for bit. Operands and result in the plain form are (batch, rows, columns) as for {@code batch_dot}.
 */
final class HeadsBatchDotOp extends FusedOp {
    /** The op name. */
    static final String NAME = "_kiln_heads_batch_dot";

    /** Below this many multiply-adds per matrix, matrices are spread over threads (as batch_dot does). */
    private static final long SMALL_MATRIX_WORK = 1L << 20;

    private final boolean transA;
    private final boolean transB;
    /** Heads of the lhs, rhs and result; 0 for the plain (batch, rows, columns) form. */
    private final int headsA;
    private final int headsB;
    private final int headsOut;

    HeadsBatchDotOp(String nodeName, boolean transA, boolean transB, int headsA, int headsB, int headsOut) {
        super(NAME, OpFamily.LINALG, DType.FLOAT32, List.of("lhs", "rhs"), List.of(nodeName));
        this.transA = transA;
        this.transB = transB;
        this.headsA = headsA;
        this.headsB = headsB;
        this.headsOut = headsOut;
    }

    boolean transA() {
        return transA;
    }

    boolean transB() {
        return transB;
    }

    /** Heads of the lhs; 0 for the plain (batch, rows, columns) form. */
    int headsA() {
        return headsA;
    }

    /** Heads of the result; 0 for the plain form. */
    int headsOut() {
        return headsOut;
    }

    /** One operand as a batch of matrices: count, rows and columns as stored, and where each starts. */
    private record Batch(int count, int rows, int cols, int ld, int heads) {
        /** The matrices of a (count, rows, cols) array, or of a (count / heads, rows, heads * cols) one. */
        static Batch of(Shape s, int heads) {
            return heads == 0 ? new Batch(s.get(0), s.get(1), s.get(2), s.get(2), 0)
                    : new Batch(s.get(0) * heads, s.get(1), s.get(2) / heads, s.get(2), heads);
        }

        int offset(int q) {
            return heads == 0 ? q * rows * cols : (q / heads) * rows * ld + (q % heads) * cols;
        }
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape l = inputShapes.get(0);
        Shape r = inputShapes.get(1);
        check(l, headsA, "lhs");
        check(r, headsB, "rhs");
        Batch a = Batch.of(l, headsA);
        Batch b = Batch.of(r, headsB);
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        if (a.count() != b.count() || k != kb) {
            throw error("lhs " + l + " (heads " + headsA + ") and rhs " + r + " (heads " + headsB + ") give "
                    + a.count() + " and " + b.count() + " matrices contributing " + k + " and " + kb
                    + " elements to each sum; they must agree");
        }
        int m = transA ? a.cols() : a.rows();
        int n = transB ? b.rows() : b.cols();
        if (headsOut == 0) {
            return List.of(Shape.of(a.count(), m, n));
        }
        if (a.count() % headsOut != 0) {
            throw error(a.count() + " matrices do not split into batches of " + headsOut + " heads");
        }
        return List.of(Shape.of(a.count() / headsOut, m, headsOut * n));
    }

    private void check(Shape s, int heads, String input) {
        if (s.rank() != 3 || heads > 0 && s.get(2) % heads != 0) {
            throw error("input '" + input + "' has shape " + s + "; expected rank 3"
                    + (heads > 0 ? " with a last axis that splits into " + heads + " heads" : ""));
        }
    }

    /** Every head's product is a GEMM with beta 0 over its own block of the output, and the blocks tile it. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    /**
     * The products of one call's shapes: matrix {@code q} of the lhs times matrix {@code q} of the rhs, each written
     * where the output's layout puts it or wherever the caller says ({@link AttentionOp} keeps its scores in a
     * buffer of its own).
     */
    final class Products {
        private final Batch a;
        private final Batch b;
        private final Batch c;
        final int m;
        final int n;
        final int k;

        Products(Shape lhs, Shape rhs, Shape out) {
            a = Batch.of(lhs, headsA);
            b = Batch.of(rhs, headsB);
            m = transA ? a.cols() : a.rows();
            n = transB ? b.rows() : b.cols();
            k = transA ? a.rows() : a.cols();
            c = headsOut == 0 ? new Batch(out.get(0), m, n, n, 0) : new Batch(a.count(), m, n, out.get(2), headsOut);
        }

        int count() {
            return a.count();
        }

        /** Product {@code q} into its place in the output {@code cv}. */
        void run(int q, float[] av, float[] bv, float[] cv) {
            run(q, av, a.offset(q), a.ld(), bv, cv, c.offset(q), c.ld());
        }

        /** Product {@code q} with its lhs read from {@code av} at {@code aOff} ({@code lda}) and C where given. */
        void run(int q, float[] av, int aOff, int lda, float[] bv, float[] cv, int cOff, int ldc) {
            Gemm.sgemm(transA, transB, m, n, k, 1f, av, aOff, lda, bv, b.offset(q), b.ld(), 0f, cv, cOff, ldc);
        }

        /** Where product {@code q} starts in the output. */
        int outputOffset(int q) {
            return c.offset(q);
        }

        /** The output's row stride. */
        int outputStride() {
            return c.ld();
        }

        /** Product {@code q}'s lhs as the lhs layout stores it, into C where given. */
        void runInto(int q, float[] av, float[] bv, float[] cv, int cOff, int ldc) {
            run(q, av, a.offset(q), a.ld(), bv, cv, cOff, ldc);
        }
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray out = call.newOutput(0);
        Products products = new Products(call.input(0).shape(), call.input(1).shape(), out.shape());
        float[] av = floats(call.input(0), "lhs");
        float[] bv = floats(call.input(1), "rhs");
        float[] cv = floats(out, "output");
        Parallel.RangeBody body = (from, to) -> {
            for (int q = from; q < to; q++) {
                products.run(q, av, bv, cv);
            }
        };
        int count = products.count();
        long work = (long) products.m * products.n * Math.max(1, products.k);
        if (count > 1 && work < SMALL_MATRIX_WORK) {
            Parallel.forRange(count, (int) Math.max(1, SMALL_MATRIX_WORK / Math.max(1, work)), body);
        } else {
            body.run(0, count);
        }
        return List.of(out);
    }

    float[] floats(NDArray x, String what) {
        if (x.data() instanceof float[] f) {
            return f;
        }
        throw error(what + " is " + x.dtype() + "; this op was fused for float32");
    }

    @Override
    public String toString() {
        return NAME + "(transA=" + transA + ", transB=" + transB + ", heads " + headsA + "/" + headsB + "/" + headsOut
                + ")";
    }
}
