package dev.kiln.op.conv;

import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;

import java.util.List;

/**
 * A {@link SpatialBackwardOp} that takes {@code ograd} followed by every input the forward call had, and returns one
 * gradient per forward input ({@code _backward_Convolution}, {@code _backward_UpSampling}).
 */
abstract class PerInputBackwardOp extends SpatialBackwardOp {

    PerInputBackwardOp(OpDef forward, List<String> inputs) {
        super(forward, inputs);
    }

    @Override
    public final List<String> inputNames(Attrs attrs) {
        return withOutGrad(forward().inputNames(attrs));
    }

    @Override
    public final int numOutputs(Attrs attrs) {
        return forward().inputNames(attrs).size();
    }
}
