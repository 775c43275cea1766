package dev.kiln.op.shape;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * {@code diag}: from a 1-D array, the square matrix with it on diagonal {@code k}; from an N-d array, diagonal
 * {@code k} of the sub-arrays spanned by {@code axis1} (rows) and {@code axis2} (columns), appended as the last axis.
 */
final class Diagonal extends ShapeOp {
    static final AttrSpec<Integer> K = AttrSpec.of("k", AttrType.INT, 0,
            "the diagonal: 0 main, > 0 above, < 0 below");
    static final AttrSpec<Integer> AXIS1 = AttrSpec.of("axis1", AttrType.INT, 0,
            "the row axis of the sub-arrays (ignored for 1-D input)");
    static final AttrSpec<Integer> AXIS2 = AttrSpec.of("axis2", AttrType.INT, 1,
            "the column axis of the sub-arrays (ignored for 1-D input)");

    Diagonal() {
        super("diag", DATA, List.of(K, AXIS1, AXIS2));
    }

    @Override
    public String doc() {
        return "Builds a diagonal matrix from a vector, or extracts a diagonal.";
    }

    /** The two axes, checked and distinct. */
    private int[] axes(Attrs attrs, Shape in) {
        int a1 = axis(attrs.get(AXIS1), in.rank(), "axis1", in);
        int a2 = axis(attrs.get(AXIS2), in.rank(), "axis2", in);
        if (a1 == a2) {
            throw error("axis1=" + attrs.get(AXIS1) + " and axis2=" + attrs.get(AXIS2) + " refer to the same axis of "
                    + "input shape " + in);
        }
        return new int[] {a1, a2};
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        requireKnown(in);
        return List.of(outShape(attrs, in.get(0)));
    }

    /** As MXNet: once the input's rank is known the output follows, a dim that depends on an unknown one unknown. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.forwardFromRank(s -> outShape(slots.attrs(), s));
    }

    /** The output shape for an input of shape {@code s}, which may have unknown dims. */
    private Shape outShape(Attrs attrs, Shape s) {
        int k = attrs.get(K);
        if (s.rank() == 0) {
            throw error("needs an input of rank >= 1, got shape " + s);
        }
        if (s.rank() == 1) {
            int n = s.get(0) == Shape.UNKNOWN ? Shape.UNKNOWN : Math.addExact(s.get(0), Math.abs(k));
            return Shape.partial(n, n);
        }
        int[] ax = axes(attrs, s);
        int h = s.get(ax[0]);
        int w = s.get(ax[1]);
        int len = Shape.UNKNOWN;
        if (h != Shape.UNKNOWN && w != Shape.UNKNOWN) {
            if (k > 0) {
                w -= k;
            } else {
                h += k;
            }
            len = Math.min(h, w);
            if (len < 0) {
                throw error("diagonal k=" + k + " does not exist in input shape " + s + " (axis1=" + ax[0]
                        + ", axis2=" + ax[1] + ")");
            }
        }
        int[] out = new int[s.rank() - 1];
        int o = 0;
        for (int i = 0; i < s.rank(); i++) {
            if (i != ax[0] && i != ax[1]) {
                out[o++] = s.get(i);
            }
        }
        out[o] = len;
        return Shape.partial(out);
    }

    /**
     * Where diagonal {@code k} lies in an array of shape {@code matrix} (rank >= 2): the offset of its first element
     * and, per axis of the extracted result (shape {@code diagonal}), the stride in {@code matrix}.
     */
    record View(int offset, int[] strides) {
    }

    View view(Attrs attrs, Shape matrix, Shape diagonal) {
        int k = attrs.get(K);
        int[] ax = axes(attrs, matrix);
        int[] inStrides = matrix.strides();
        int[] strides = new int[diagonal.rank()];
        int o = 0;
        for (int i = 0; i < matrix.rank(); i++) {
            if (i != ax[0] && i != ax[1]) {
                strides[o++] = inStrides[i];
            }
        }
        strides[o] = inStrides[ax[0]] + inStrides[ax[1]];
        int offset = k > 0 ? k * inStrides[ax[1]] : -k * inStrides[ax[0]];
        return new View(diagonal.get(o) == 0 ? 0 : offset, strides);
    }

    /** The offset of diagonal {@code k}'s first element in an {@code n x n} matrix built from a vector. */
    static int vectorStart(int k, int n) {
        return Math.max(0, -k) * n + Math.max(0, k);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        int k = call.attr(K);
        if (x.rank() == 1) {
            int n = out.shape().get(1);
            Strided.copyRow(x.data(), 0, 1, out.data(), vectorStart(k, n), n + 1, x.size());
            return List.of(out);
        }
        View v = view(call.attrs(), x.shape(), out.shape());
        Strided.gather(x.data(), v.offset(), out.shape().dims(), v.strides(), out.data());
        return List.of(out);
    }

    /** A vector's gradient reads diagonal k back; a diagonal's is scattered into zeros ({@link DiagonalBackward}). */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return viaBackwardOp(g);
    }
}
