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
 * {@code _dot_as_matrix(data, lhs, rhs)}: {@code data}, shaped like {@code dot(lhs, rhs)} with these transpose
 * flags, reshaped to the (m, n) matrix that dot computes. Dot's gradient needs its output gradient in that form, and
 * where the output's rows end depends on the operands' ranks, which a rule may not read. Its gradient reshapes back.
 */
final class DotAsMatrixOp extends OpDef {
    static final String NAME = "_dot_as_matrix";
    private static final DotOp DOT = new DotOp();

    DotAsMatrixOp() {
        super(NAME, OpFamily.LINALG, List.of("data", "lhs", "rhs"), List.of(DotOp.TRANSPOSE_A, DotOp.TRANSPOSE_B));
    }

    @Override
    public String doc() {
        return "Reshapes data shaped like dot(lhs, rhs) to the 2-D matrix the product computes";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(0));
    }

    /** The output keeps the data's dtype. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape m = DOT.outputMatrix(in.get(1), in.get(2), attrs.get(DotOp.TRANSPOSE_A), attrs.get(DotOp.TRANSPOSE_B));
        Shape expected = DOT.inferShapes(DOT.attrs(Map.of("transpose_a", attrs.get(DotOp.TRANSPOSE_A),
                "transpose_b", attrs.get(DotOp.TRANSPOSE_B))), List.of(in.get(1), in.get(2))).get(0);
        if (!in.get(0).equals(expected)) {
            throw error("data of shape " + in.get(0) + " is not shaped like dot(lhs " + in.get(1) + ", rhs "
                    + in.get(2) + "), which is " + expected);
        }
        return List.of(m);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        return List.of(call.wrapOutput(0, dev.kiln.ndarray.Storage.copyOf(call.input(0).data())));
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("reshape_like", g.outGrad(0), g.input(0)), null, null);
    }
}
