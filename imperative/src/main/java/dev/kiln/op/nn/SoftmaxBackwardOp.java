package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * {@code _backward_softmax}, {@code _backward_log_softmax} and {@code _backward_softmin}
 * {@code (out_grad, output, data)}: the softmax gradient written in the data's dtype, for calls whose {@code dtype}
 * attribute made the output another dtype (the composed rule would keep the output's). Takes the forward's
 * attributes.
 */
final class SoftmaxBackwardOp extends NNBackwardOp {
    private final SoftmaxOp forward;

    SoftmaxBackwardOp(SoftmaxOp forward) {
        super("_backward_" + forward.name(), List.of("out_grad", "output", "data"), forward.attrSpecs());
        this.forward = forward;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(inputTypes.get(2));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(2));
    }

    /**
     * out_grad, output, data and the data gradient share one shape; the gradient has the data's dtype, out_grad and
     * output the softmax output's (which {@code dtype} may have changed).
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {2}, new int[] {0});
        slots.unify(new int[] {0, 1}, new int[0]);
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray og = call.input(0);
        NDArray y = call.input(1);
        NDArray dx = call.newOutput(0);
        Rows rows = forward.rows(call.attrs(), y.shape());
        Double temperature = call.attr(SoftmaxOp.TEMPERATURE);
        double scale = (forward.isNegated() ? -1 : 1) / (temperature == null ? 1.0 : temperature);
        boolean log = forward.isLog();
        int m = rows.length();
        int stride = rows.inner();
        Parallel.forRange(rows.count(), rows.grain(), (from, to) -> {
            double[] o = new double[m];
            double[] p = new double[m];
            for (int r = from; r < to; r++) {
                int base = rows.base(r);
                Rows.gather(og, base, stride, m, o, 0);
                Rows.gather(y, base, stride, m, p, 0);
                double sum = 0;
                for (int j = 0; j < m; j++) {
                    sum += log ? o[j] : o[j] * p[j];
                }
                for (int j = 0; j < m; j++) {
                    o[j] = scale * (log ? o[j] - Math.exp(p[j]) * sum : p[j] * (o[j] - sum));
                }
                Rows.scatter(o, 0, dx, base, stride, m);
            }
        });
        return List.of(dx);
    }
}
