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
 * MXNet's legacy {@code SoftmaxActivation} (float32 only): {@code instance} mode takes the softmax along the last
 * axis (MXNet flattens all leading dims), {@code channel} mode along axis 1 at every position of data of rank 3 or
 * more. Its gradient is softmax's, composed of ops.
 */
final class SoftmaxActivationOp extends NNOp {
    static final AttrSpec<String> MODE = AttrSpec.of("mode", AttrType.oneOf("instance", "channel"), "instance",
            "softmax per instance (last axis) or across channels (axis 1)");

    SoftmaxActivationOp() {
        super("SoftmaxActivation", List.of("data"), List.of(MODE));
    }

    @Override
    public String doc() {
        return "Softmax per instance (last axis) or across channels (axis 1).";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(requireFloat32(attrs, inputTypes, 0));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        if (attrs.get(MODE).equals("channel")) {
            requireMinRank(attrs, inputShapes, 0, 3, "mode='channel'");
        } else {
            requireMinRank(attrs, inputShapes, 0, 1, "mode='instance'");
        }
        return List.of(inputShapes.get(0));
    }

    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        sameShapeAsData(slots);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        Shape s = x.shape();
        Rows rows = call.attr(MODE).equals("channel") ? Rows.along(s, 1) : Rows.along(s, s.rank() - 1);
        SoftmaxKernel.run(x, out, rows, 1.0, false, false, null, this);
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        int axis = g.attr(MODE).equals("channel") ? 1 : -1;
        return g.grads(SoftmaxOp.softmaxGrad(g, g.output(0), g.outGrad(0), axis));
    }
}
