package dev.kiln.op.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * {@code _backward_Pooling(ograd, data, output)}: the gradient of Pooling's data for the forward attributes, as
 * MXNet's (the output tells max pooling which element won and lp pooling its norm). See {@link PoolGradKernels}.
 */
class PoolingBackwardOp extends SpatialBackwardOp {
    private final PoolingOp op;
    private final boolean reluSlope;

    PoolingBackwardOp(PoolingOp forward) {
        super(forward, List.of("ograd", "data", "output"));
        this.op = forward;
        this.reluSlope = false;
    }

    /** A variant named {@code name} whose result is multiplied by the slope of the ReLU that gave the data. */
    PoolingBackwardOp(PoolingOp forward, String name) {
        super(forward, name, List.of("ograd", "data", "output"));
        this.op = forward;
        this.reluSlope = true;
    }

    @Override
    public boolean isDifferentiable() {
        return true;
    }

    /**
     * Avg and sum pooling's gradient is linear in {@code ograd} alone, so its own gradient is Pooling of the head
     * gradient; max and lp have no second derivative here.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        String type = g.attr(PoolParams.POOL_TYPE);
        if (type.equals("max") || type.equals("lp")) {
            throw error("has no gradient for pool_type='" + type + "' (second derivatives of " + type
                    + " pooling are not supported)");
        }
        return g.grads(g.apply(op.name(), givenAttrs(op, g.attrs()), g.outGrad(0)), null, null);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape expected = op.inferShapes(attrs, List.of(in.get(1))).get(0);
        for (int i : new int[] {0, 2}) {
            if (in.get(i).isKnown() && expected.isKnown() && !in.get(i).equals(expected)) {
                throw error(inputNames(attrs).get(i) + " has shape " + in.get(i) + " but Pooling of data "
                        + in.get(1) + " gives " + expected);
            }
        }
        return List.of(in.get(1));
    }

    /** The gradient has the data's shape; ograd and the forward output share the pooled shape. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.unify(new int[] {0, 2}, new int[0]);
        slots.forward();
    }

    /**
     * The kernel clears a planned gradient itself unless it writes every element anyway (float32 max pooling over
     * covering 2x2 windows), which saves the executor's zero-fill of an array the size of the data.
     */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(1);
        NDArray output = call.input(2);
        PoolParams p = PoolParams.parse(op, call.attrs(), data.shape());
        SpatialLayout layout = p.layout();
        PoolKernels.Spec spec = PoolingOp.spec(p, layout.toChannelFirst(data.shape().dims()),
                layout.toChannelFirst(output.shape().dims()), data.dtype());
        return List.of(PoolGradKernels.backward(call.input(0), data, output, layout, spec, call, reluSlope));
    }
}
