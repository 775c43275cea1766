package dev.kiln.op.creation;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;

import java.util.List;

/**
 * MXNet's {@code _eye}: an {@code N x M} matrix ({@code M=0} means {@code N}) with ones on diagonal {@code k}
 * (positive: above the main diagonal, negative: below) and zeros elsewhere.
 */
final class EyeOp extends InitOp {
    static final AttrSpec<Long> N = AttrSpec.required("N", AttrType.LONG, "Number of rows in the output");
    static final AttrSpec<Long> M = AttrSpec.of("M", AttrType.LONG, 0L,
            "Number of columns in the output; 0 means N");
    static final AttrSpec<Long> K = AttrSpec.of("k", AttrType.LONG, 0L,
            "Index of the diagonal: 0 the main one, positive above it, negative below");

    static final EyeOp INSTANCE = new EyeOp();

    private EyeOp() {
        super("_eye", List.of(N, M, K, InitAttrs.CTX, InitAttrs.DTYPE));
    }

    @Override
    public String doc() {
        return "A 2-D array with ones on the k-th diagonal and zeros elsewhere";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = attrs.get(InitAttrs.DTYPE);
        if (t == DType.BOOL || t == DType.BFLOAT16) {
            throw error("attribute 'dtype' must be one of float32, float64, float16, uint8, int8, int32, int64, got "
                    + t);
        }
        return List.of(t);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        long n = attrs.get(N);
        long m = attrs.get(M);
        if (n < 0) {
            throw error("attribute 'N' must be >= 0, got " + n);
        }
        if (m < 0) {
            throw error("attribute 'M' must be >= 0, got " + m);
        }
        long cols = m > 0 ? m : n;
        if (n > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || n * cols > Integer.MAX_VALUE - 8) {
            throw error("shape (" + n + ", " + cols + ") has more elements than a Java array holds");
        }
        return List.of(Shape.of((int) n, (int) cols));
    }

    @Override
    void fill(Attrs attrs, NDArray out) {
        int rows = out.shape().get(0);
        int cols = out.shape().get(1);
        long k = attrs.get(K);
        for (int r = 0; r < rows; r++) {
            long c = r + k;
            if (c >= 0 && c < cols) {
                out.setDouble(r * cols + (int) c, 1);
            }
        }
    }
}
