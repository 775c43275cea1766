package dev.kiln.graph.infer;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.NodeException;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.op.InferenceSlots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inference pass shared by shapes and dtypes, as MXNet's {@code InferShape}/{@code InferType}: a value per graph
 * entry, seeded from the caller and the variables' annotations, then every op's partial rule run forward over the
 * nodes and backward again until nothing changes. Ops fill in their outputs and, where they can, their inputs
 * (a weight's shape from its data).
 *
 * @param <V> {@code Shape} or {@code DType}
 */
abstract class GraphInference<V> {
    private final Graph graph;
    private final int[] rowPtr;
    private final Object[] values;

    GraphInference(Graph graph) {
        this.graph = graph;
        this.rowPtr = graph.entryOffsets();
        this.values = new Object[rowPtr[graph.size()]];
    }

    /** What the variable declares about itself ({@code __shape__}, {@code __dtype__}), or null. */
    abstract V declared(Variable v);

    abstract boolean isKnown(V value);

    /** Slots for one op node over the current values. */
    abstract InferenceSlots<V> slots(OpNode node, List<V> inputs, List<V> outputs);

    /** Runs the op's partial rule on its slots. */
    abstract void infer(OpNode node, InferenceSlots<V> slots);

    /** "shape" or "dtype", for messages. */
    abstract String what();

    /**
     * Runs the pass with values the caller knows for variables, by name. A given value replaces the variable's
     * annotation, as in MXNet: a {@code __shape__} is a hint (an exported {@code data} of batch 1 runs with batch 8).
     */
    final InferenceResult<V> run(Map<String, V> given) {
        for (int i = 0; i < graph.size(); i++) {
            if (graph.node(i) instanceof Variable v) {
                V seed = given.containsKey(v.name()) ? given.get(v.name()) : declared(v);
                values[rowPtr[i]] = seed;
            }
        }
        for (String name : given.keySet()) {
            int i = graph.indexOf(name);
            if (i < 0 || !(graph.node(i) instanceof Variable)) {
                throw new KilnException(what() + " inference: the graph has no argument named '" + name
                        + "'; its inputs are " + variableNames());
            }
        }
        boolean changed = true;
        for (int round = 0; changed && round < graph.size() + 2; round++) {
            changed = false;
            for (int i = 0; i < graph.size(); i++) {
                changed |= step(i);
            }
            for (int i = graph.size() - 1; i >= 0; i--) {
                changed |= step(i);
            }
        }
        return new InferenceResult<>(graph, rowPtr, values, what(), this::isKnown);
    }

    @SuppressWarnings("unchecked")
    private boolean step(int index) {
        if (!(graph.node(index) instanceof OpNode node)) {
            return false;
        }
        List<V> in = new ArrayList<>(node.inputs().size());
        for (Entry e : node.inputs()) {
            in.add((V) values[rowPtr[e.node()] + e.output()]);
        }
        List<V> out = new ArrayList<>(node.numOutputs());
        for (int k = 0; k < node.numOutputs(); k++) {
            out.add((V) values[rowPtr[index] + k]);
        }
        if (allKnown(in) && allKnown(out)) {
            return false;
        }
        InferenceSlots<V> slots = slots(node, in, out);
        try {
            infer(node, slots);
        } catch (KilnException e) {
            throw new NodeException(node.name(), node.op().name(), what() + " inference failed at node '" + node.name()
                    + "' (" + node.op().name() + ") with input " + what() + "s " + InferenceResult.describeInputs(node, in)
                    + ": " + e.getMessage(), e);
        }
        if (!slots.changed()) {
            return false;
        }
        for (int k = 0; k < in.size(); k++) {
            Entry e = node.inputs().get(k);
            values[rowPtr[e.node()] + e.output()] = slots.input(k);
        }
        for (int k = 0; k < out.size(); k++) {
            values[rowPtr[index] + k] = slots.output(k);
        }
        return true;
    }

    private boolean allKnown(List<V> vs) {
        for (V v : vs) {
            if (!isKnown(v)) {
                return false;
            }
        }
        return true;
    }

    private List<String> variableNames() {
        List<String> out = new ArrayList<>();
        for (int i : graph.variableNodes()) {
            out.add(graph.node(i).name());
        }
        return out;
    }
}
