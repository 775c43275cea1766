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
    public boolean isKnown(DType value) {
        return value != null;
    }

    @Override
    String what() {
        return "dtype";
    }

    /**
     * MXNet's {@code ElemwiseType}: every input and output shares one dtype, taken from whichever slot knows it.
     * Does nothing while no slot is known.
     */
    public void unifyAll() {
        DType t = null;
        for (int i = 0; i < numInputs() && t == null; i++) {
            t = input(i);
        }
        for (int i = 0; i < numOutputs() && t == null; i++) {
            t = output(i);
        }
        if (t == null) {
            return;
        }
        for (int i = 0; i < numInputs(); i++) {
            assignInput(i, t);
        }
        for (int i = 0; i < numOutputs(); i++) {
            assignOutput(i, t);
        }
    }
}
