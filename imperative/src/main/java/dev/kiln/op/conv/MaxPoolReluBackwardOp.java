package dev.kiln.op.conv;

import dev.kiln.op.OpRegistry;

/**
 * {@code _kiln_pooling_relu_backward(ograd, data, output)}: {@code _backward_Pooling} of a Pooling whose {@code data}
 * is a ReLU's output, multiplied by that ReLU's slope {@code data > 0 ? 1 : 0}: the gradient of the ReLU's input,
 * equal bit for bit to {@code _backward_Pooling} followed by the ReLU gradient's product with
 * {@code _greater_scalar(relu_input, 0)} (a ReLU's output is positive exactly where its input is). Float32 max
 * pooling over covering 2x2 windows does both in one pass ({@link FastPoolKernels#reluBackward}); other cases
 * multiply after pooling's gradient. The compiler emits it in gradient graphs; it is not registered, so it exists
 * only in compiled graphs.
 */
public final class MaxPoolReluBackwardOp extends PoolingBackwardOp {
    /** The one instance, with Pooling's attributes; compare {@code node.op() == INSTANCE}. */
    public static final MaxPoolReluBackwardOp INSTANCE =
            new MaxPoolReluBackwardOp((PoolingOp) OpRegistry.global().get("Pooling"));

    private MaxPoolReluBackwardOp(PoolingOp forward) {
        super(forward, "_kiln_pooling_relu_backward");
    }

    @Override
    public String doc() {
        return "gradient of Pooling times the slope of the ReLU that produced its data";
    }

    /** Emitted only into gradient graphs, which are not differentiated again. */
    @Override
    public boolean isDifferentiable() {
        return false;
    }
}
