package dev.kiln.op;

import dev.kiln.ndarray.DType;

import java.util.List;

/** Partial dtypes of one op application during graph type inference; {@code null} is unknown. */
public final class TypeSlots extends InferenceSlots<DType> {

    public TypeSlots(OpDef op, Attrs attrs, List<DType> inputs, List<DType> outputs) {
        super(op, attrs, inputs, outputs);
    }

    @Override
    DType merge(DType known, DType assigned) {
        return known == assigned ? known : null;
    }

    @Override
    boolean isUnknown(DType value) {
        return value == null;
    }

    @Override
    public boolean isKnown(DType value) {
        return value != null;
    }

    @Override
    String what() {
        return "dtype";
    }

    /**
     * Output 0 has {@code given} (an op's dtype attribute) when not {@code null}; otherwise it shares input 0's dtype,
     * either giving the other.
     */
    public void firstOutputOr(DType given) {
        if (given == null) {
            unify(new int[] {0}, new int[] {0});
        } else {
            assignOutput(0, given);
        }
    }

    @Override
    public void forward() {
        if (allInputsKnown()) {
            assignOutputs(op().inferTypes(attrs(), inputs()));
        }
    }
}
