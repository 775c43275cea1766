package dev.kiln.op.creation;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;

import java.util.List;

/**
 * Base of the ops that make an array from attributes alone ({@code _zeros}, {@code _arange}, ...): no inputs, one
 * output whose dtype is the {@code dtype} attribute, allocated on the {@code ctx} device and filled by {@link #fill}.
 */
abstract class InitOp extends OpDef {

    InitOp(String name, List<AttrSpec<?>> attrs, String... aliases) {
        super(name, OpFamily.CREATION, List.of(), attrs, aliases);
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(attrs.get(InitAttrs.DTYPE));
    }

    @Override
    public final List<NDArray> compute(Invocation call) {
        Device device = InitAttrs.device(this, call.attrs());
        NDArray out = NDArray.zeros(call.outputShapes().get(0), call.outputTypes().get(0), device);
        fill(call.attrs(), out);
        return List.of(out);
    }

    /** Writes the op's values into the zero-filled {@code out}. */
    abstract void fill(Attrs attrs, NDArray out);

    @Override
    public boolean isDifferentiable() {
        return false;
    }
}
