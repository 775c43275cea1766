package dev.kiln.op.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * The data gradient of an adaptive pooling op, over the forward's windows (see {@link PoolGradKernels}): average
 * pooling's {@code _backward_<name>(ograd, data)} spreads each output gradient evenly over its window, reading the data
 * for its shape only (MXNet's {@code _backward_contrib_AdaptiveAvgPooling2D} takes {@code ograd} alone and gets the
 * shape from the forward node); max pooling's {@code _backward_<name>(ograd, data, output)} sends it to the first
 * element of the window equal to the pooled maximum.
 */
final class AdaptivePoolingBackwardOp extends SpatialBackwardOp {
    private final AdaptivePoolingOp op;

    AdaptivePoolingBackwardOp(AdaptivePoolingOp forward) {
        super(forward, forward.isMax() ? List.of("ograd", "data", "output") : List.of("ograd", "data"));
        this.op = forward;
    }

    /** Average pooling's gradient is linear in {@code ograd} alone; max pooling has no second derivative here. */
    @Override
    public boolean isDifferentiable() {
        return !op.isMax();
    }

    /** The transpose of the transpose: the head gradient pooled like the forward; the data (a shape) gets none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply(op.name(), givenAttrs(op, g.attrs()), g.outGrad(0)), null);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape expected = op.inferShapes(attrs, List.of(in.get(1))).get(0);
        List<String> names = inputNames(attrs);
        for (int i = 0; i < in.size(); i++) {
            if (i != 1 && !in.get(i).equals(expected)) {
                throw error(names.get(i) + " has shape " + in.get(i) + " but " + op.name() + " of data " + in.get(1)
                        + " gives " + expected);
            }
        }
        return List.of(in.get(1));
    }

    /** The gradient has the data's shape; with max pooling, ograd and the forward output share the pooled shape. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        if (op.isMax()) {
            slots.unify(new int[] {0, 2}, new int[0]);
        }
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray ograd = call.input(0);
        NDArray data = call.input(1);
        SpatialLayout layout = op.geometry(call.attrs(), data.shape()).layout();
        PoolKernels.Spec spec = op.spec(layout.toChannelFirst(data.shape().dims()),
                layout.toChannelFirst(ograd.shape().dims()));
        NDArray output = op.isMax() ? call.input(2) : null;
        return List.of(PoolGradKernels.backward(ograd, data, output, layout, spec, call));
    }
}
