package dev.kiln.op.linalg;

import dev.kiln.KilnException;
import dev.kiln.ndarray.Broadcast;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
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
 * NumPy's {@code matmul} (MXNet's {@code _npi_matmul}): matrix products over the last two axes with the leading
 * axes broadcast against each other; a 1-D first operand is read as a row (1, k) and a 1-D second operand as a
 * column (k, 1), and the added axis is dropped from the result, so two vectors give a 0-d array. The gradient is
 * {@code _backward_matmul}, itself differentiable.
 */
final class MatmulOp extends OpDef {
    MatmulOp() {
        super("matmul", OpFamily.LINALG, List.of("a", "b"), List.of(), "_npi_matmul");
    }

    /** MXNet 1.x has NumPy's matmul only as {@code _npi_matmul}. */
    @Override
    public String mxnetName() {
        return "_npi_matmul";
    }

    @Override
    public String doc() {
        return "Matrix product of two arrays with NumPy's broadcasting and 1-D promotion rules.";
    }

    /** Both operands promoted to rank >= 2, and the broadcast batch shape. */
    private record Plan(Shape a2, Shape b2, Shape batch, Shape out) {
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
        return List.of(plan(in.get(0), in.get(1)).out());
    }

    /**
     * As MXNet: once both ranks are known the output follows, an unknown batch or matrix dim staying unknown unless
     * the other operand fixes it; the core dims are checked where both are known.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape a = slots.input(0);
        Shape b = slots.input(1);
        if (ShapeSlots.isRankKnown(a) && ShapeSlots.isRankKnown(b) && !(a.isKnown() && b.isKnown())) {
            slots.assignOutput(0, plan(a, b).out());
        }
        slots.forward();
    }

    private Plan plan(Shape a, Shape b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw error("input operand does not have enough dimensions: a " + a + ", b " + b
                    + " (matmul needs at least 1-D operands; use multiply for scalars)");
        }
        Shape a2 = a.rank() == 1 ? Shape.partial(1, a.get(0)) : a;
        Shape b2 = b.rank() == 1 ? Shape.partial(b.get(0), 1) : b;
        int k = a2.get(-1);
        if (b2.get(-2) != k && k != Shape.UNKNOWN && b2.get(-2) != Shape.UNKNOWN) {
            throw error("shape mismatch in the core dimension: a " + a + " x b " + b + ": a has " + k
                    + " columns but b has " + b2.get(-2) + " rows");
        }
        Shape batch;
        try {
            batch = Shape.broadcast(a2.slice(0, a2.rank() - 2), b2.slice(0, b2.rank() - 2));
        } catch (KilnException e) {
            throw error("batch dimensions of a " + a + " and b " + b + " cannot be broadcast together: "
                    + e.getMessage());
        }
        Shape out = batch;
        if (a.rank() > 1) {
            out = out.concat(Shape.partial(a2.get(-2)));
        }
        if (b.rank() > 1) {
            out = out.concat(Shape.partial(b2.get(-1)));
        }
        return new Plan(a2, b2, batch, out);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray a = call.input(0);
        NDArray b = call.input(1);
        Plan p = plan(a.shape(), b.shape());
        int m = p.a2().get(-2);
        int k = p.a2().get(-1);
        int n = p.b2().get(-1);
        Object c = MatrixProducts.newResult(call.outputTypes().get(0), call.outputShapes().get(0).size());
        int batch = p.batch().size();
        if (batch > 0 && m > 0 && n > 0) {
            Shape aBatch = p.a2().slice(0, p.a2().rank() - 2);
            Shape bBatch = p.b2().slice(0, p.b2().rank() - 2);
            int[] aOffs = Broadcast.indexMap(aBatch, p.batch());
            int[] bOffs = Broadcast.indexMap(bBatch, p.batch());
            for (int q = 0; q < batch; q++) {
                aOffs[q] *= m * k;
                bOffs[q] *= k * n;
            }
            MatrixProducts.gemmBatch(false, false, m, n, k, 1.0,
                    MatrixProducts.computeData(a), aOffs, Math.max(1, k),
                    MatrixProducts.computeData(b), bOffs, n,
                    0.0, c, MatrixProducts.contiguous(batch, m * n), n);
        }
        return List.of(MatrixProducts.output(call, 0, c));
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        List<T> d = g.applyAll(MatmulBackwardOp.NAME, Map.of(), g.outGrad(0), g.input(0), g.input(1));
        return g.grads(g.requiresGrad(0) ? d.get(0) : null, g.requiresGrad(1) ? d.get(1) : null);
    }
}
