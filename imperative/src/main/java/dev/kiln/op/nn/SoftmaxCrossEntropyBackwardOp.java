package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * {@code _backward_softmax_cross_entropy(out_grad, data, label)}: {@code (softmax(data) - one_hot(label)) *
 * out_grad}, as MXNet computes it (the forward's clamp of tiny probabilities at 1e-8 is not differentiated).
 */
final class SoftmaxCrossEntropyBackwardOp extends NNBackwardOp {

    SoftmaxCrossEntropyBackwardOp() {
        super("_backward_softmax_cross_entropy", List.of("out_grad", "data", "label"), List.of());
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(inputTypes.get(1));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(1));
    }

    /** The gradient has the data's shape and dtype; out_grad is the loss's (1,). */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(1);
        int n = x.shape().get(0);
        int k = x.shape().get(1);
        NDArray prob = NDArray.zeros(x.shape(), x.dtype(), x.device());
        SoftmaxKernel.run(x, prob, new Rows(n, k, 1), 1.0, false, false, null, this);
        double[] dx = Rows.all(prob);
        double[] labels = Rows.all(call.input(2));
        double og = call.input(0).getDouble(0);
        for (int i = 0; i < n; i++) {
            int c = (int) labels[i];
            if (c >= 0 && c < k) {
                dx[i * k + c] -= 1;
            }
            for (int j = 0; j < k; j++) {
                dx[i * k + j] *= og;
            }
        }
        NDArray out = call.newOutput(0);
        Rows.scatter(dx, 0, out, 0, 1, dx.length);
        return List.of(out);
    }
}
