package dev.kiln.op.linalg;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;
import java.util.Map;

/**
 * {@code _backward_matmul(out_grad, a, b)}: the gradients of {@code matmul(a, b)}, {@code (out_grad * b^T, a^T *
 * out_grad)} on the operands promoted to matrices and summed over the batch axes each operand was broadcast along.
 * A dedicated op because where matmul drops a promoted vector axis depends on the operands' ranks, which a rule may
 * not read. Both outputs are bilinear, so its own gradient is matmul and this op again: it can be differentiated
 * to any order.
 */
final class MatmulBackwardOp extends OpDef {
    static final String NAME = "_backward_matmul";

    MatmulBackwardOp() {
        super(NAME, OpFamily.LINALG, List.of("out_grad", "a", "b"), List.of());
    }

    @Override
    public String doc() {
        return "Gradients of matmul with respect to both operands";
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return 2;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(1), in.get(2));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        OpDef matmul = OpRegistry.global().get("matmul");
        Shape expected = matmul.inferShapes(matmul.defaultAttrs(), List.of(in.get(1), in.get(2))).get(0);
        if (!in.get(0).equals(expected)) {
            throw error("out_grad of shape " + in.get(0) + " is not shaped like matmul(a " + in.get(1) + ", b "
                    + in.get(2) + "), which is " + expected);
        }
        return List.of(in.get(1), in.get(2));
    }

    /** The gradients have the shapes and dtypes of a and b. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.unify(new int[] {2}, new int[] {1});
        slots.forward();
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.unify(new int[] {2}, new int[] {1});
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray g = call.input(0).detach();
        NDArray a = call.input(1).detach();
        NDArray b = call.input(2).detach();
        NDArray a2 = a.shape().rank() == 1 ? a.reshape(Shape.of(1, a.shape().get(0))) : a;
        NDArray b2 = b.shape().rank() == 1 ? b.reshape(Shape.of(b.shape().get(0), 1)) : b;
        Shape batch = Shape.broadcast(a2.shape().slice(0, a2.shape().rank() - 2),
                b2.shape().slice(0, b2.shape().rank() - 2));
        NDArray g2 = g.reshape(batch.concat(Shape.of(a2.shape().get(-2), b2.shape().get(-1))));
        NDArray da = Ops.call("_sum_like", Ops.call("matmul", g2, swapLast(b2)), a2);
        NDArray db = Ops.call("_sum_like", Ops.call("matmul", swapLast(a2), g2), b2);
        return List.of(call.wrapOutput(0, da.astype(call.outputTypes().get(0)).data()),
                call.wrapOutput(1, db.astype(call.outputTypes().get(1)).data()));
    }

    private static NDArray swapLast(NDArray x) {
        int r = x.shape().rank();
        return Ops.call("SwapAxis", Map.of("dim1", r - 2, "dim2", r - 1), x);
    }

    /**
     * With heads {@code ha}, {@code hb} on the two outputs: out_grad gets {@code matmul(ha, b) + matmul(a, hb)},
     * {@code a} gets the first output of this op on {@code (out_grad, a, hb)} and {@code b} the second on
     * {@code (out_grad, ha, b)}.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        boolean hasA = g.hasOutGrad(0);
        boolean hasB = g.hasOutGrad(1);
        T og = g.input(0);
        T a = g.input(1);
        T b = g.input(2);
        T dOut = null;
        if (g.requiresGrad(0)) {
            T fromA = hasA ? g.apply("matmul", g.outGrad(0), b) : null;
            T fromB = hasB ? g.apply("matmul", a, g.outGrad(1)) : null;
            dOut = fromA == null ? fromB : fromB == null ? fromA : g.add(fromA, fromB);
        }
        T dA = hasB && g.requiresGrad(1) ? g.applyAll(NAME, Map.of(), og, a, g.outGrad(1)).get(0) : null;
        T dB = hasA && g.requiresGrad(2) ? g.applyAll(NAME, Map.of(), og, g.outGrad(0), b).get(1) : null;
        return g.grads(dOut, dA, dB);
    }
}
