package dev.kiln.op.linalg;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code dot}: the sum product over the last axis of {@code lhs} and the first axis of {@code rhs}, so
 * (n, m, k) x (k, r, s) gives (n, m, r, s). An N-d input is read as a matrix: {@code lhs} as (rows = all but its last
 * axis, its last axis), or with {@code transpose_a} as (its first axis, all the rest) transposed; {@code rhs} as
 * (its first axis, all the rest), or with {@code transpose_b} as (all but its last axis, its last axis) transposed.
 * Two vectors give their inner product with shape (1,). The gradient works on those 2-D readings (operands through
 * {@code Reshape} codes, the output gradient through {@code _dot_as_matrix}) with dot and transpose flags, and
 * {@code reshape_like} gives each gradient its operand's shape.
 */
final class DotOp extends OpDef {
    static final AttrSpec<Boolean> TRANSPOSE_A = AttrSpec.of("transpose_a", AttrType.BOOL, false,
            "If true then transpose the first input before dot.");
    static final AttrSpec<Boolean> TRANSPOSE_B = AttrSpec.of("transpose_b", AttrType.BOOL, false,
            "If true then transpose the second input before dot.");
    static final AttrSpec<String> FORWARD_STYPE = AttrSpec.optional("forward_stype", AttrType.STRING,
            "The desired storage type of the forward output (Kiln arrays are dense; accepted and ignored).");

    DotOp() {
        super("dot", OpFamily.LINALG, List.of("lhs", "rhs"), List.of(TRANSPOSE_A, TRANSPOSE_B, FORWARD_STYPE));
    }

    @Override
    public String doc() {
        return "Dot product of two arrays: sum over the last axis of lhs and the first axis of rhs.";
    }

    /** {@code Reshape} codes for (all but the last axis, the last axis), read from the right. */
    private static final Map<String, Object> ROWS_LAST = Map.of("shape", new int[] {-1, 0}, "reverse", true);
    /** {@code Reshape} codes for (the first axis, all the rest). */
    private static final Map<String, Object> FIRST_COLS = Map.of("shape", new int[] {0, -1});

    /** The 2-D reading of the inputs: op(lhs) is m x k, op(rhs) is k x n; lhs stored (ma, na), rhs (mb, nb). */
    private record Plan(int m, int n, int k, int ma, int na, int mb, int nb, boolean vectors) {
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return MatrixProducts.floatingTypes(this, attrs, inputTypes);
    }

    /** All inputs and the output share one floating dtype; the check runs once every input is known. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape l = in.get(0);
        Shape r = in.get(1);
        boolean ta = attrs.get(TRANSPOSE_A);
        boolean tb = attrs.get(TRANSPOSE_B);
        plan(l, r, ta, tb);
        return List.of(outShape(l, r, ta, tb));
    }

    /**
     * As MXNet: once both ranks are known the output keeps their uncontracted axes, known or not; the contraction is
     * checked once every dim is known.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape l = slots.input(0);
        Shape r = slots.input(1);
        if (ShapeSlots.isRankKnown(l) && ShapeSlots.isRankKnown(r) && !(l.isKnown() && r.isKnown())) {
            boolean ta = slots.attrs().get(TRANSPOSE_A);
            boolean tb = slots.attrs().get(TRANSPOSE_B);
            shareContraction(slots, l, r, ta, tb);
            slots.assignOutput(0, outShape(slots.input(0), slots.input(1), ta, tb));
        }
        slots.forward();
    }

    /**
     * The contracted axis (lhs: the last, or the first when transposed; rhs: the first, or the last when transposed)
     * has one length on both sides, so a side that knows it tells the other: a weight {@code (0, units)} learns its
     * input width from the data, as MXNet's dot does.
     */
    private void shareContraction(ShapeSlots slots, Shape l, Shape r, boolean ta, boolean tb) {
        if (l.rank() == 0 || r.rank() == 0) {
            return;
        }
        int al = ta ? 0 : l.rank() - 1;
        int ar = tb ? r.rank() - 1 : 0;
        if (l.get(al) == Shape.UNKNOWN && r.get(ar) != Shape.UNKNOWN) {
            slots.learnInput(0, ShapeSlots.unknownDims(l.rank()).with(al, r.get(ar)));
        } else if (r.get(ar) == Shape.UNKNOWN && l.get(al) != Shape.UNKNOWN) {
            slots.learnInput(1, ShapeSlots.unknownDims(r.rank()).with(ar, l.get(al)));
        }
    }

    private Shape outShape(Shape l, Shape r, boolean ta, boolean tb) {
        checkRanks(l, r, ta, tb);
        if (l.rank() == 1 && r.rank() == 1) {
            return Shape.of(1);
        }
        // lhs keeps all but its contracted axis (the first when transposed), rhs likewise (the last when transposed)
        Shape keepL = l.rank() <= 1 ? Shape.scalar() : ta ? l.slice(1, l.rank()) : l.slice(0, l.rank() - 1);
        Shape keepR = r.rank() <= 1 ? Shape.scalar() : tb ? r.slice(0, r.rank() - 1) : r.slice(1, r.rank());
        return keepL.concat(keepR);
    }

    private void checkRanks(Shape l, Shape r, boolean ta, boolean tb) {
        if (l.rank() == 0 || r.rank() == 0) {
            throw error("inputs must have at least one dimension, got lhs " + l + " and rhs " + r);
        }
        if (l.rank() == 1 && r.rank() == 1 && (ta || tb)) {
            throw error("cannot transpose vectors: lhs " + l + ", rhs " + r + " with transpose_a=" + pyBool(ta)
                    + ", transpose_b=" + pyBool(tb));
        }
    }

    private Plan plan(Shape l, Shape r, boolean ta, boolean tb) {
        checkRanks(l, r, ta, tb);
        if (l.rank() == 1 && r.rank() == 1) {
            checkContraction(l, r, ta, tb, l.get(0), r.get(0));
            return new Plan(1, 1, l.get(0), 1, l.get(0), r.get(0), 1, true);
        }
        int ma;
        int na;
        if (ta) {
            ma = l.get(0);
            na = l.sizeOf(1, l.rank());
        } else {
            na = l.get(-1);
            ma = l.sizeOf(0, l.rank() - 1);
        }
        int mb;
        int nb;
        if (tb) {
            nb = r.get(-1);
            mb = r.sizeOf(0, r.rank() - 1);
        } else {
            mb = r.get(0);
            nb = r.sizeOf(1, r.rank());
        }
        int kl = ta ? ma : na;
        int kr = tb ? nb : mb;
        checkContraction(l, r, ta, tb, kl, kr);
        return new Plan(ta ? na : ma, tb ? mb : nb, Math.min(kl, kr), ma, na, mb, nb, false);
    }

    private void checkContraction(Shape l, Shape r, boolean ta, boolean tb, int kl, int kr) {
        // MXNet skips the check when either side is empty; the product is then all zeros
        if (kl != kr && kl != 0 && kr != 0) {
            throw error("shape mismatch: lhs " + l + " x rhs " + r + " (transpose_a=" + pyBool(ta) + ", transpose_b="
                    + pyBool(tb) + "): lhs contributes " + kl + " elements to each sum, rhs " + kr);
        }
    }

    private static String pyBool(boolean b) {
        return b ? "True" : "False";
    }

    /** The GEMM writes every element of the result, zeros for an empty contraction. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray lhs = call.input(0);
        NDArray rhs = call.input(1);
        boolean ta = call.attr(TRANSPOSE_A);
        boolean tb = call.attr(TRANSPOSE_B);
        Plan p = plan(lhs.shape(), rhs.shape(), ta, tb);
        Shape outShape = call.outputShapes().get(0);
        Object c = MatrixProducts.resultArray(call, 0);
        if (outShape.size() > 0) {
            // an empty lhs or rhs leaves k = 0: the GEMM then only writes zeros
            int k = lhs.size() == 0 || rhs.size() == 0 ? 0 : p.k();
            MatrixProducts.gemmBatch(ta && !p.vectors(), tb && !p.vectors(), p.m(), p.n(), k, 1.0,
                    MatrixProducts.computeData(lhs), new int[] {0}, Math.max(1, p.na()),
                    MatrixProducts.computeData(rhs), new int[] {0}, Math.max(1, p.nb()),
                    0.0, c, new int[] {0}, Math.max(1, p.n()));
        }
        return List.of(MatrixProducts.output(call, 0, c));
    }

    /** The (m, n) shape of the matrix product for inputs of these shapes: the output read as a matrix. */
    Shape outputMatrix(Shape l, Shape r, boolean ta, boolean tb) {
        Plan p = plan(l, r, ta, tb);
        return Shape.of(p.m(), p.n());
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        boolean ta = g.attr(TRANSPOSE_A);
        boolean tb = g.attr(TRANSPOSE_B);
        T a = g.input(0);
        T b = g.input(1);
        T a2 = g.apply("Reshape", ta ? FIRST_COLS : ROWS_LAST, a);
        T b2 = g.apply("Reshape", tb ? ROWS_LAST : FIRST_COLS, b);
        T g2 = g.apply(DotAsMatrixOp.NAME, Map.of("transpose_a", ta, "transpose_b", tb), g.outGrad(0), a, b);
        List<T> d = ProductGradient.of((x, y, tx, ty) -> g.apply(name(), Map.of("transpose_a", tx, "transpose_b", ty),
                x, y), g2, a2, b2, ta, tb, g.requiresGrad(0), g.requiresGrad(1));
        return g.grads(d.get(0) == null ? null : g.apply("reshape_like", d.get(0), a),
                d.get(1) == null ? null : g.apply("reshape_like", d.get(1), b));
    }
}
