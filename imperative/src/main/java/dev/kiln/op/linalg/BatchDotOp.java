package dev.kiln.op.linalg;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code batch_dot}: matrix products over the last two axes of two arrays of equal rank N >= 3 whose leading
 * N-2 (batch) axes are equal (no broadcasting): (b, m, k) x (b, k, n) gives (b, m, n), either operand optionally
 * transposed in its last two axes. The gradient is batch_dot again with transpose flags ({@link ProductGradient}).
 */
final class BatchDotOp extends OpDef {
    BatchDotOp() {
        super("batch_dot", OpFamily.LINALG, List.of("lhs", "rhs"),
                List.of(DotOp.TRANSPOSE_A, DotOp.TRANSPOSE_B, DotOp.FORWARD_STYPE));
    }

    @Override
    public String doc() {
        return "Batchwise dot product of two arrays of equal rank N >= 3 over their last two axes.";
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
        boolean ta = attrs.get(DotOp.TRANSPOSE_A);
        boolean tb = attrs.get(DotOp.TRANSPOSE_B);
        String where = "lhs " + l + " x rhs " + r + " (transpose_a=" + (ta ? "True" : "False") + ", transpose_b="
                + (tb ? "True" : "False") + ")";
        if (l.rank() < 3 || l.rank() != r.rank()) {
            throw error("needs two arrays of the same rank N >= 3, got " + where);
        }
        int nd = l.rank();
        for (int i = 0; i < nd - 2; i++) {
            if (l.get(i) != r.get(i)) {
                throw error("the leading batch dimensions must be equal, got " + where);
            }
        }
        int kl = ta ? l.get(nd - 2) : l.get(nd - 1);
        int kr = tb ? r.get(nd - 1) : r.get(nd - 2);
        if (kl != kr) {
            throw error("shape mismatch: " + where + ": lhs contributes " + kl + " elements to each sum, rhs " + kr);
        }
        int m = ta ? l.get(nd - 1) : l.get(nd - 2);
        int n = tb ? r.get(nd - 2) : r.get(nd - 1);
        return List.of(l.slice(0, nd - 2).concat(Shape.of(m, n)));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray lhs = call.input(0);
        NDArray rhs = call.input(1);
        boolean ta = call.attr(DotOp.TRANSPOSE_A);
        boolean tb = call.attr(DotOp.TRANSPOSE_B);
        Shape out = call.outputShapes().get(0);
        int nd = out.rank();
        int batch = out.sizeOf(0, nd - 2);
        int m = out.get(nd - 2);
        int n = out.get(nd - 1);
        int k = ta ? lhs.shape().get(nd - 2) : lhs.shape().get(nd - 1);
        Object c = MatrixProducts.newResult(call.outputTypes().get(0), out.size());
        if (out.size() > 0) {
            int lda = Math.max(1, lhs.shape().get(nd - 1));
            int ldb = Math.max(1, rhs.shape().get(nd - 1));
            MatrixProducts.gemmBatch(ta, tb, m, n, k, 1.0,
                    MatrixProducts.computeData(lhs), MatrixProducts.contiguous(batch, m * k), lda,
                    MatrixProducts.computeData(rhs), MatrixProducts.contiguous(batch, k * n), ldb,
                    0.0, c, MatrixProducts.contiguous(batch, m * n), n);
        }
        return List.of(MatrixProducts.output(call, 0, c));
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        List<T> d = ProductGradient.of((x, y, tx, ty) -> g.apply(name(), Map.of("transpose_a", tx, "transpose_b", ty),
                x, y), g.outGrad(0), g.input(0), g.input(1), g.attr(DotOp.TRANSPOSE_A), g.attr(DotOp.TRANSPOSE_B),
                g.requiresGrad(0), g.requiresGrad(1));
        return g.grads(d.get(0), d.get(1));
    }
}
