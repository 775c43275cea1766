package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * A spatial op whose inputs and outputs share one floating dtype, as MXNet's real-type kernels require: partial
 * inference spreads a dtype known anywhere to every slot, and the floating check runs once the inputs are known.
 */
abstract class FloatingOp extends OpDef {

    FloatingOp(String name, OpFamily family, List<String> inputs, List<AttrSpec<?>> attrs, String... aliases) {
        super(name, family, inputs, attrs, aliases);
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        FloatingKernels.requireFloating(this, inputNames(attrs), inputTypes);
        return super.inferTypes(attrs, inputTypes);
    }

    /** Every input and output share one floating dtype; the check runs once every input is known. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }
}
