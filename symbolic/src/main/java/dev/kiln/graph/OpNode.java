package dev.kiln.graph;

import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;

import java.util.List;
import java.util.Map;

/**
 * One application of a registered op: its definition, checked attributes ({@code params}), the entries it reads and
 * any annotations. Two op nodes are equal when all of these and the name are; {@link Graph#valueNumbers} ignores
 * names to find equal computations.
 */
public record OpNode(String name, OpDef op, Attrs params, List<Entry> inputs, Map<String, String> attrs)
        implements Node {
    public OpNode {
        GraphChecks.requireName(name);
        if (op == null || params == null) {
            throw new IllegalArgumentException("op node '" + name + "' needs an op and its attributes");
        }
        inputs = List.copyOf(inputs);
        attrs = GraphChecks.sortedCopy(attrs);
        int expected = op.numInputs(params);
        if (inputs.size() != expected) {
            throw op.error("node '" + name + "' has " + inputs.size() + " inputs but the op takes " + expected + " "
                    + op.inputNames(params));
        }
    }

    public OpNode(String name, OpDef op, Attrs params, List<Entry> inputs) {
        this(name, op, params, inputs, Map.of());
    }

    @Override
    public int numOutputs() {
        return op.numOutputs(params);
    }

    @Override
    public int numVisibleOutputs() {
        return op.numVisibleOutputs(params);
    }

    /** The op's input names for these attributes ({@code data, weight, bias}). */
    public List<String> inputNames() {
        return op.inputNames(params);
    }

    /** The op's output names ({@code output}, or {@code output0, output1, ...}). */
    public List<String> outputNames() {
        return op.outputNames(params);
    }

    /** The explicitly given op attributes in MXNet's string form, as symbol JSON stores them. */
    public Map<String, String> paramStrings() {
        return params.toMXNetStrings(op);
    }

    /** This node reading other entries. */
    public OpNode withInputs(List<Entry> newInputs) {
        return new OpNode(name, op, params, newInputs, attrs);
    }
}
