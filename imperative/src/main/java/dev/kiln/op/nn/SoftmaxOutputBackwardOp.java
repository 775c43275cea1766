package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * {@code _backward_SoftmaxOutput(out_grad, output, label)}: MXNet's loss gradient, which ignores the incoming
 * gradient unless {@code out_grad=True}. For class-index labels each softmax row gets {@code output - one_hot(label)}
 * (label smoothing moves {@code smooth_alpha} of the target mass evenly to the other classes), rows whose label
 * equals {@code ignore_label} get 0 with {@code use_ignore}, and the result is scaled by {@code grad_scale} divided by
 * the normalisation: the number of labels ({@code batch}), of labels not ignored ({@code valid}, at least 1), or, as
 * in MXNet, the positions per instance with {@code multi_output} and {@code null}. A label shaped like the data is a
 * distribution: the gradient is {@code (output - label) * grad_scale}.
 */
final class SoftmaxOutputBackwardOp extends NNBackwardOp {

    SoftmaxOutputBackwardOp(SoftmaxOutputOp forward) {
        super("_backward_SoftmaxOutput", List.of("out_grad", "output", "label"), forward.attrSpecs());
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(inputTypes.get(1));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(1));
    }

    /** out_grad, output and the data gradient share the data's shape; the label keeps its own. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {0, 1}, new int[] {0});
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray y = call.input(1);
        NDArray label = call.input(2);
        double[] dx = Rows.all(y);
        double[] labels = Rows.all(label);
        double scale = asFloat(call.attr(SoftmaxOutputOp.GRAD_SCALE));
        if (label.shape().equals(y.shape())) {
            for (int i = 0; i < dx.length; i++) {
                dx[i] = (dx[i] - labels[i]) * scale;
            }
        } else {
            Rows rows = SoftmaxOutputOp.rows(call.attrs(), y.shape());
            boolean useIgnore = call.attr(SoftmaxOutputOp.USE_IGNORE);
            int ignore = (int) (double) call.attr(SoftmaxOutputOp.IGNORE_LABEL);
            double alpha = asFloat(call.attr(SoftmaxOutputOp.SMOOTH_ALPHA));
            int k = rows.length();
            int valid = 0;
            for (int r = 0; r < rows.count(); r++) {
                int c = (int) labels[r];
                int base = rows.base(r);
                if (useIgnore && c == ignore) {
                    for (int j = 0; j < k; j++) {
                        dx[base + j * rows.inner()] = 0;
                    }
                    continue;
                }
                if (c != ignore) {
                    valid++;
                }
                for (int j = 0; j < k; j++) {
                    double target = alpha == 0 ? (j == c ? 1 : 0) : j == c ? 1 - alpha : alpha / (k - 1);
                    dx[base + j * rows.inner()] -= target;
                }
            }
            double norm = switch (call.attr(SoftmaxOutputOp.NORMALIZATION)) {
                case "batch" -> rows.count();
                case "valid" -> Math.max(1, valid);
                default -> call.attr(SoftmaxOutputOp.MULTI_OUTPUT) ? rows.inner() : 1;
            };
            for (int i = 0; i < dx.length; i++) {
                dx[i] *= scale / norm;
            }
        }
        if (call.attr(SoftmaxOutputOp.OUT_GRAD)) {
            double[] og = Rows.all(call.input(0));
            for (int i = 0; i < dx.length; i++) {
                dx[i] *= og[i];
            }
        }
        NDArray out = call.newOutput(0);
        Rows.scatter(dx, 0, out, 0, 1, dx.length);
        return List.of(out);
    }
}
