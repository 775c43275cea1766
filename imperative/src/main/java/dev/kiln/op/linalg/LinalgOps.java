package dev.kiln.op.linalg;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The linear-algebra ops: dot, batch_dot, matmul, FullyConnected and linalg_gemm2, all on {@code Gemm}, and the two
 * ops their gradients need ({@code _dot_as_matrix}, {@code _backward_matmul}).
 */
public final class LinalgOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(new DotOp(), new BatchDotOp(), new MatmulOp(), new FullyConnectedOp(), new Gemm2Op(),
                new DotAsMatrixOp(), new MatmulBackwardOp());
    }
}
