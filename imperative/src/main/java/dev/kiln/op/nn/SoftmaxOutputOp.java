package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * MXNet's {@code SoftmaxOutput} (alias {@code Softmax}): the forward pass is a softmax of {@code data}, over all
 * dims after the first by default (data viewed as {@code (N, -1)}), over axis 1 at every position with
 * {@code multi_output}, or over the last axis with {@code preserve_shape}. The label only shapes the backward pass,
 * whose attributes (grad_scale, ignore_label, use_ignore, normalization, out_grad, smooth_alpha) are kept here. As
 * in MXNet the gradient ({@code _backward_SoftmaxOutput}) is that of the cross-entropy loss, not of the softmax: it
 * ignores the incoming gradient (unless {@code out_grad}), and the label gets none.
 */
final class SoftmaxOutputOp extends NNOp {
    static final AttrSpec<Double> GRAD_SCALE = AttrSpec.of("grad_scale", AttrType.FLOAT, 1.0,
            "scales the gradient");
    static final AttrSpec<Double> IGNORE_LABEL = AttrSpec.of("ignore_label", AttrType.FLOAT, -1.0,
            "label value ignored in the gradient when use_ignore is set");
    static final AttrSpec<Boolean> MULTI_OUTPUT = AttrSpec.of("multi_output", AttrType.BOOL, false,
            "softmax along axis 1 at every position");
    static final AttrSpec<Boolean> USE_IGNORE = AttrSpec.of("use_ignore", AttrType.BOOL, false,
            "ignore labels equal to ignore_label in the gradient");
    static final AttrSpec<Boolean> PRESERVE_SHAPE = AttrSpec.of("preserve_shape", AttrType.BOOL, false,
            "softmax along the last axis");
    static final AttrSpec<String> NORMALIZATION = AttrSpec.of("normalization",
            AttrType.oneOf("null", "batch", "valid"), "null", "how the gradient is normalised");
    static final AttrSpec<Boolean> OUT_GRAD = AttrSpec.of("out_grad", AttrType.BOOL, false,
            "multiply the gradient by the output gradient");
    static final AttrSpec<Double> SMOOTH_ALPHA = AttrSpec.of("smooth_alpha", AttrType.FLOAT, 0.0,
            "label smoothing constant for the gradient, in [0, 1]");

    SoftmaxOutputOp() {
        super("SoftmaxOutput", List.of("data", "label"), List.of(GRAD_SCALE, IGNORE_LABEL, MULTI_OUTPUT, USE_IGNORE,
                PRESERVE_SHAPE, NORMALIZATION, OUT_GRAD, SMOOTH_ALPHA), "Softmax");
    }

    @Override
    public String doc() {
        return "Softmax with a cross-entropy gradient against a label (forward: the softmax).";
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

    /** multi_output's default label: (batch, positions), one class index per position. */
    private static Shape flatLabel(Shape data) {
        int n = data.get(0);
        return data.get(1) == 0 ? Shape.of(n, 0) : Shape.of(n, data.size() / Math.max(1, n) / data.get(1));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        double alpha = attrs.get(SMOOTH_ALPHA);
        if (!(alpha >= 0 && alpha <= 1)) {
            throw error("attribute 'smooth_alpha' must be in [0, 1], got " + alpha);
        }
        requireMinRank(attrs, inputShapes, 0, 1, "softmax needs a batch axis");
        Shape data = inputShapes.get(0);
        Shape label = inputShapes.get(1);
        if (attrs.get(MULTI_OUTPUT)) {
            requireMinRank(attrs, inputShapes, 0, 2, "multi_output takes the softmax along axis 1");
        }
        if (label.equals(data)) {
            return List.of(data);
        }
        if (attrs.get(MULTI_OUTPUT)) {
            Shape flat = flatLabel(data);
            Shape dropped = data.remove(1);
            Shape kept = data.with(1, 1);
            if (!label.equals(flat) && !label.equals(dropped) && !label.equals(kept)) {
                throw error("input 'label' has shape " + label + "; for 'data' of shape " + data
                        + " with multi_output it must be " + flat + ", " + dropped + ", " + kept + " or " + data);
            }
        } else {
            Shape expected = data.slice(0, data.rank() - 1);
            if (!label.equals(expected)) {
                throw error("input 'label' has shape " + label + " but must have shape " + expected + " or " + data
                        + " for 'data' of shape " + data);
            }
        }
        return List.of(data);
    }

    /**
     * The output has the data's shape. An unknown label gets MXNet's default: the data's shape without its last axis,
     * or with {@code multi_output} (batch, positions) once the data is fully known. A label of the data's rank is a
     * probability label of the data's shape; one of rank one less, the data without its last axis.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = slots.unify(new int[] {0}, new int[] {0});
        Shape label = slots.input(1);
        if (ShapeSlots.isRankKnown(data) && data.rank() >= 1) {
            if (!slots.attrs().get(MULTI_OUTPUT)) {
                if (ShapeSlots.isRankKnown(label) && label.rank() == data.rank()) {
                    slots.unify(new int[] {0, 1}, new int[] {0});
                } else {
                    if (ShapeSlots.isRankKnown(label) && label.rank() == data.rank() - 1) {
                        slots.learnInput(0, label.concat(Shape.partial(Shape.UNKNOWN)));
                        data = slots.unify(new int[] {0}, new int[] {0});
                    }
                    slots.assignInput(1, data.slice(0, data.rank() - 1));
                }
            } else if (!ShapeSlots.isRankKnown(label) && data.isKnown() && data.rank() >= 2) {
                slots.assignInput(1, flatLabel(data));
            }
        }
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        SoftmaxKernel.run(x, out, rows(call.attrs(), x.shape()), 1.0, false, false, null, this);
        return List.of(out);
    }

    /** The softmax rows: axis 1 with multi_output, the last axis with preserve_shape, else data as (N, -1). */
    static Rows rows(Attrs attrs, Shape s) {
        if (attrs.get(MULTI_OUTPUT)) {
            return Rows.along(s, 1);
        } else if (attrs.get(PRESERVE_SHAPE)) {
            return Rows.along(s, s.rank() - 1);
        }
        return new Rows(s.get(0), s.sizeOf(1, s.rank()), 1);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("_backward_SoftmaxOutput", g.attrs().values(), g.outGrad(0), g.output(0),
                g.input(1)), null);
    }
}
