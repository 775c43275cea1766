package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * MXNet's {@code softmax_cross_entropy}: for 2-D {@code data} (batch, classes) and 1-D class indices {@code label},
 * the sum over the batch of {@code -log(max(softmax(data)[i, label[i]], 1e-8))}, as an array of shape (1,). Its
 * gradient is {@code _backward_softmax_cross_entropy}; the label gets none.
 */
final class SoftmaxCrossEntropyOp extends NNOp {

    SoftmaxCrossEntropyOp() {
        super("softmax_cross_entropy", List.of("data", "label"), List.of());
    }

    @Override
    public String doc() {
        return "Summed cross-entropy of softmax(data) against integer class labels; shape (1,).";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = requireFloating(attrs, inputTypes, 0);
        if (inputTypes.get(1) != t) {
            throw error("input 'label' has dtype " + inputTypes.get(1) + " but 'data' has " + t
                    + "; MXNet requires the same dtype (cast the label)");
        }
        return List.of(t);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape data = inputShapes.get(0);
        Shape label = inputShapes.get(1);
        if (data.rank() != 2) {
            throw error("input 'data' must be 2-D (batch, classes), got shape " + data);
        }
        if (label.rank() != 1 || label.get(0) != data.get(0)) {
            throw error("input 'label' must have shape (" + data.get(0) + ",) (one class index per row of 'data' "
                    + data + "), got " + label);
        }
        return List.of(Shape.of(1));
    }

    /** The loss is (1,); data (batch, classes) and label (batch,) share the batch size. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.assignOutput(0, Shape.of(1));
        Shape data = slots.input(0);
        Shape label = slots.input(1);
        if (ShapeSlots.isRankKnown(label) && label.rank() == 1
                && (!ShapeSlots.isRankKnown(data) || data.rank() == 2)) {
            slots.learnInput(0, Shape.partial(label.get(0), Shape.UNKNOWN));
        }
        data = slots.input(0);
        if (ShapeSlots.isRankKnown(data) && data.rank() == 2) {
            slots.assignInput(1, Shape.partial(data.get(0)));
        }
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray label = call.input(1);
        int n = x.shape().get(0);
        int k = x.shape().get(1);
        NDArray prob = NDArray.zeros(x.shape(), x.dtype(), x.device());
        SoftmaxKernel.run(x, prob, new Rows(n, k, 1), 1.0, false, false, null, this);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double l = label.getDouble(i);
            int c = (int) l;
            if (!(l >= 0) || c >= k) {
                throw error("input 'label' holds " + l + " at position " + i + ", not a class index in [0, " + k
                        + ")");
            }
            total += -Math.log(Math.max(prob.getDouble(i * k + c), 1e-8));
        }
        NDArray out = call.newOutput(0);
        out.setDouble(0, total);
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("_backward_softmax_cross_entropy", g.outGrad(0), g.input(0), g.input(1)), null);
    }
}
