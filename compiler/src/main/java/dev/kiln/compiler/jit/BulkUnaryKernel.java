package dev.kiln.compiler.jit;

import dev.kiln.ndarray.DType;
import dev.kiln.op.ElementwiseFormula;

import java.util.List;

/**
 * The kernel of a float32 group that is one unary op with an array form ({@link ElementwiseFormula.Unary#bulk()},
 * e.g. GELU on the Vector API) applied to its one input read at each element: the array form over the range instead
 * of a generated scalar loop, which could not vectorise the op's function. The row stages and GEMM epilogues that
 * hold such an op alone run it this way too.
 */
record BulkUnaryKernel(ElementwiseFormula.FloatArrayUnary bulk) implements FusedKernel {

    /** The bulk kernel computing {@code expr}, or null when {@code expr} is not one bulk unary step of its input. */
    static BulkUnaryKernel of(FusedExpression expr) {
        if (expr.dtype() != DType.FLOAT32 || expr.numInputs() != 1 || expr.steps().size() != 1
                || !expr.outputs().equals(List.of(1))
                || expr.accesses().getFirst() != FusedExpression.Access.ELEMENT
                || !(expr.steps().getFirst().formula() instanceof ElementwiseFormula.Unary u) || u.bulk() == null) {
            return null;
        }
        return new BulkUnaryKernel(u.bulk());
    }

    @Override
    public void run(Object[] inputs, Object[] outputs, int[][] offsets, int inner, int from, int to) {
        bulk.apply((float[]) inputs[0], from, (float[]) outputs[0], from, to - from);
    }
}
