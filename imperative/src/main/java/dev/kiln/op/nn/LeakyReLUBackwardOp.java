package dev.kiln.op.nn;

import dev.kiln.ndarray.Broadcast;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * {@code _backward_LeakyReLU(out_grad, data, gamma)} for prelu: the data gradient {@code out_grad * (x > 0 ? 1 :
 * gamma)} and gamma's gradient, {@code out_grad * min(x, 0)} summed over every element that shares a slope.
 */
final class LeakyReLUBackwardOp extends NNBackwardOp {

    LeakyReLUBackwardOp() {
        super("_backward_LeakyReLU", List.of("out_grad", "data", "gamma"), List.of());
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return 2;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(inputTypes.get(1), inputTypes.get(2));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        LeakyReLUOp.gammaShape(this, inputShapes.get(2), inputShapes.get(1));
        return List.of(inputShapes.get(1), inputShapes.get(2));
    }

    /** out_grad, data and the data gradient share one shape; gamma's gradient has gamma's. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {0, 1}, new int[] {0});
        slots.unify(new int[] {2}, new int[] {1});
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray og = call.input(0);
        NDArray x = call.input(1);
        NDArray gamma = call.input(2);
        int[] map = Broadcast.indexMap(LeakyReLUOp.gammaShape(this, gamma.shape(), x.shape()), x.shape());
        double[] slopes = Rows.all(gamma);
        double[] o = Rows.all(og);
        double[] v = Rows.all(x);
        double[] dx = new double[v.length];
        double[] dGamma = new double[slopes.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] > 0) {
                dx[i] = o[i];
            } else {
                dx[i] = o[i] * slopes[map[i]];
                dGamma[map[i]] += o[i] * v[i];
            }
        }
        NDArray gx = call.newOutput(0);
        NDArray gg = call.newOutput(1);
        Rows.scatter(dx, 0, gx, 0, 1, dx.length);
        Rows.scatter(dGamma, 0, gg, 0, 1, dGamma.length);
        return List.of(gx, gg);
    }
}
