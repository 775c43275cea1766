package dev.kiln.symbol;

import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;

import java.util.List;
import java.util.Map;

/**
 * A node as symbols share it while they are composed (MXNet's {@code nnvm::Node}): immutable, linked to its inputs,
 * compared by identity so that a subgraph used twice is one node. {@link Symbol#graph()} turns these into the indexed
 * {@link dev.kiln.graph.Graph} IR.
 */
final class SymbolNode {
    final String name;
    final OpDef op;
    final Attrs params;
    final List<Out> inputs;
    final Map<String, String> attrs;

    /** One output of a node. */
    record Out(SymbolNode node, int index) {
    }

    private SymbolNode(String name, OpDef op, Attrs params, List<Out> inputs, Map<String, String> attrs) {
        this.name = name;
        this.op = op;
        this.params = params;
        this.inputs = List.copyOf(inputs);
        this.attrs = Map.copyOf(attrs);
    }

    static SymbolNode variable(String name, Map<String, String> attrs) {
        return new SymbolNode(name, null, null, List.of(), attrs);
    }

    static SymbolNode op(String name, OpDef op, Attrs params, List<Out> inputs, Map<String, String> attrs) {
        return new SymbolNode(name, op, params, inputs, attrs);
    }

    boolean isVariable() {
        return op == null;
    }

    int numOutputs() {
        return op == null ? 1 : op.numOutputs(params);
    }

    int numVisibleOutputs() {
        return op == null ? 1 : op.numVisibleOutputs(params);
    }

    /** MXNet's output name: the variable's name, or {@code <node>_output}, {@code <node>_output1}, ... */
    String outputName(int index) {
        return op == null ? name : name + "_" + op.outputNames(params).get(index);
    }
}
