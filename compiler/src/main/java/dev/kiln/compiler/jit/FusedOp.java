package dev.kiln.compiler.jit;

import dev.kiln.ndarray.DType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the fused ops share: inputs {@code data0, data1, ...} of one float dtype, outputs named after the member nodes
 * whose values the group writes out, and no gradient rule (fusion runs after the gradient graph is built). Not
 * registered: each group is its own op instance.
 */
abstract class FusedOp extends OpDef {
    private final DType dtype;
    private final List<String> inputNames;
    private final List<String> outputNames;

    FusedOp(String name, OpFamily family, DType dtype, int numInputs, List<String> outputNames) {
        this(name, family, dtype, numberedInputs(numInputs), outputNames);
    }

    /** A fused op whose inputs have their own names (a fused layer keeps its base op's {@code data, weight, ...}). */
    FusedOp(String name, OpFamily family, DType dtype, List<String> inputNames, List<String> outputNames) {
        super(name, family, List.of("data"), List.of());
        this.dtype = dtype;
        this.inputNames = List.copyOf(inputNames);
        this.outputNames = List.copyOf(outputNames);
    }

    private static List<String> numberedInputs(int numInputs) {
        List<String> in = new ArrayList<>();
        for (int k = 0; k < numInputs; k++) {
            in.add("data" + k);
        }
        return in;
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        return inputNames;
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return outputNames.size();
    }

    /** The names of the fused nodes whose values the group writes out. */
    @Override
    public List<String> outputNames(Attrs attrs) {
        return outputNames;
    }

    List<String> inputNames() {
        return inputNames;
    }

    List<String> outputNames() {
        return outputNames;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        for (int k = 0; k < inputTypes.size(); k++) {
            if (inputTypes.get(k) != dtype) {
                throw error("input '" + inputNames.get(k) + "' has dtype " + inputTypes.get(k) + " but the group "
                        + outputNames + " was fused for " + dtype);
            }
        }
        return Collections.nCopies(outputNames.size(), dtype);
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    /** Fusion runs on graphs whose gradient is already built; differentiating a fused graph is a mistake. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        throw error("the fused group " + outputNames + " has no gradient rule; build the gradient graph before "
                + "fusing (the JIT fuses forward and backward together)");
    }
}
