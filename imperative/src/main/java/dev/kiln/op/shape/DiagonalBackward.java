package dev.kiln.op.shape;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * {@code _backward_diag(out_grad, data)}: the gradient of {@code diag} with the same {@code k}, {@code axis1} and
 * {@code axis2}. For a 1-D {@code data} (diag built a matrix) it reads diagonal {@code k} of {@code out_grad}; for an
 * N-d {@code data} (diag extracted a diagonal) it writes {@code out_grad} onto that diagonal of zeros shaped like
 * {@code data}. Either way it is the adjoint of {@code diag}, so its own gradient is {@code diag} again.
 */
final class DiagonalBackward extends ShapeBackward {
    private static final Diagonal FORWARD = new Diagonal();

    DiagonalBackward() {
        super("_backward_diag", List.of(Diagonal.K, Diagonal.AXIS1, Diagonal.AXIS2), "diag", "diag of");
    }

    @Override
    public String doc() {
        return "Returns diag's output gradient to the input's shape.";
    }

    @Override
    Shape forwardShape(Attrs attrs, Shape data, Shape outGrad) {
        return FORWARD.inferShapes(attrs, List.of(data)).get(0);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray g = call.input(0);
        NDArray out = call.newOutput(0);
        if (out.rank() == 1) {
            int n = g.shape().get(1);
            Strided.copyRow(g.data(), Diagonal.vectorStart(call.attr(Diagonal.K), n), n + 1, out.data(), 0, 1,
                    out.size());
            return List.of(out);
        }
        Diagonal.View v = FORWARD.view(call.attrs(), out.shape(), g.shape());
        Strided.scatter(g.data(), out.data(), v.offset(), g.shape().dims(), v.strides());
        return List.of(out);
    }
}
