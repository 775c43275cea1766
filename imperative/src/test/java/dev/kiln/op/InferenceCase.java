package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One eager application of a registered op whose shapes and dtypes partial inference must reproduce: the op, its
 * attributes, the input arrays and the training flag it ran under. {@link #truth} runs it eagerly.
 */
record InferenceCase(String title, String op, Map<String, Object> attrs, List<NDArray> inputs, boolean training) {

    /** What an eager run fixed: input and output shapes and dtypes, hidden outputs included. */
    record Truth(List<Shape> inputShapes, List<DType> inputTypes, List<Shape> outputShapes, List<DType> outputTypes) {
    }

    OpDef def() {
        return OpRegistry.global().get(op);
    }

    Attrs parsedAttrs() {
        return def().attrs(attrs);
    }

    /**
     * Runs the case eagerly and returns its shapes and dtypes: the inputs', and the outputs' as the kernel produced
     * the visible ones (checked against the op's complete inference, which also gives the hidden ones).
     */
    Truth truth() {
        OpDef def = def();
        Attrs a = parsedAttrs();
        List<Shape> inShapes = new ArrayList<>();
        List<DType> inTypes = new ArrayList<>();
        for (NDArray x : inputs) {
            inShapes.add(x.shape());
            inTypes.add(x.dtype());
        }
        List<Shape> outShapes = def.inferShapes(a, inShapes);
        List<DType> outTypes = def.inferTypes(a, inTypes);
        boolean before = OpContext.setTraining(training);
        List<NDArray> visible;
        try {
            visible = Ops.invoke(def, a, inputs);
        } finally {
            OpContext.setTraining(before);
        }
        for (int i = 0; i < visible.size(); i++) {
            if (!visible.get(i).shape().equals(outShapes.get(i)) || visible.get(i).dtype() != outTypes.get(i)) {
                throw new AssertionError(this + ": the kernel's output " + i + " is " + visible.get(i).shape() + " "
                        + visible.get(i).dtype() + " but inference says " + outShapes.get(i) + " "
                        + outTypes.get(i));
            }
        }
        return new Truth(inShapes, inTypes, outShapes, outTypes);
    }

    @Override
    public String toString() {
        List<String> in = new ArrayList<>();
        for (NDArray x : inputs) {
            in.add(x.shape() + " " + x.dtype());
        }
        return title + (attrs.isEmpty() ? "" : " " + attrs) + " on " + in;
    }
}
