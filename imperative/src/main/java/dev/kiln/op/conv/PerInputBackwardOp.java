package dev.kiln.op.conv;

import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.ShapeSlots;

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


    /** Each gradient has the shape of the forward input it belongs to (input {@code i + 1}). */
    @Override
    public final void inferShapesPartial(ShapeSlots slots) {
        for (int i = 0; i < slots.numOutputs(); i++) {
            slots.unify(new int[] {i + 1}, new int[] {i});
        }
        slots.forward();
    }
}
