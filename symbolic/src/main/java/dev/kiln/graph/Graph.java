package dev.kiln.graph;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The immutable graph IR: nodes in topological order (each reads only earlier nodes; MXNet's depth-first post-order
 * when built from a symbol) and the entries that are the graph's outputs. Every pass reads one graph and returns a
 * new one. Two graphs are equal when their nodes and outputs are; {@link #valueNumbers} recognises equal subgraphs.
 */
public record Graph(List<Node> nodes, List<Entry> outputs) {

    public Graph {
        nodes = List.copyOf(nodes);
        outputs = List.copyOf(outputs);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (Entry e : n.inputs()) {
                checkEntry(nodes, e, i, "node " + i + " '" + n.name() + "'");
            }
        }
        for (Entry e : outputs) {
            checkEntry(nodes, e, nodes.size(), "graph output");
        }
    }

    private static void checkEntry(List<Node> nodes, Entry e, int before, String who) {
        if (e.node() >= before) {
            throw new KilnException(who + " reads node " + e.node() + ", which does not come before it; graph nodes "
                    + "must be in topological order");
        }
        Node src = nodes.get(e.node());
        if (e.output() >= src.numOutputs()) {
            throw new KilnException(who + " reads output " + e.output() + " of '" + src.name() + "', which has "
                    + src.numOutputs() + " outputs");
        }
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    public int size() {
        return nodes.size();
    }

    /** Indices of all variable nodes, arguments and auxiliary states, in node order. */
    public List<Integer> variableNodes() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof Variable) {
                out.add(i);
            }
        }
        return out;
    }

    /** Indices of variables some op reads as an auxiliary state (BatchNorm's moving statistics). */
    public List<Integer> auxiliaryNodes() {
        BitSet aux = auxiliaryMask();
        List<Integer> out = new ArrayList<>();
        for (int i = aux.nextSetBit(0); i >= 0; i = aux.nextSetBit(i + 1)) {
            out.add(i);
        }
        return out;
    }

    /** Indices of variables that are arguments (not auxiliary states), in node order. */
    public List<Integer> argumentNodes() {
        BitSet aux = auxiliaryMask();
        List<Integer> out = new ArrayList<>();
        for (int i : variableNodes()) {
            if (!aux.get(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /** True for nodes that are variables read as auxiliary states. */
    public BitSet auxiliaryMask() {
        BitSet aux = new BitSet(nodes.size());
        for (Node n : nodes) {
            if (n instanceof OpNode op) {
                for (int k : op.op().auxInputIndices(op.params())) {
                    int src = op.inputs().get(k).node();
                    if (nodes.get(src) instanceof Variable) {
                        aux.set(src);
                    }
                }
            }
        }
        return aux;
    }

    /** Prefix sums of every node's output count: entry (n, k) has the global id {@code rowPtr[n] + k}. */
    public int[] entryOffsets() {
        int[] rowPtr = new int[nodes.size() + 1];
        for (int i = 0; i < nodes.size(); i++) {
            rowPtr[i + 1] = rowPtr[i] + nodes.get(i).numOutputs();
        }
        return rowPtr;
    }

    /** The index of the node named {@code name}; the last one if several share it, -1 if none. */
    public int indexOf(String name) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** This graph with other outputs (nodes not reachable from them are kept; see {@link #pruned}). */
    public Graph withOutputs(List<Entry> newOutputs) {
        return new Graph(nodes, newOutputs);
    }

    /** This graph without nodes that no output depends on, indices renumbered, order kept. */
    public Graph pruned() {
        BitSet live = new BitSet(nodes.size());
        for (Entry e : outputs) {
            live.set(e.node());
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (live.get(i)) {
                for (Entry e : nodes.get(i).inputs()) {
                    live.set(e.node());
                }
            }
        }
        if (live.cardinality() == nodes.size()) {
            return this;
        }
        int[] newIndex = new int[nodes.size()];
        List<Node> kept = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (live.get(i)) {
                newIndex[i] = kept.size();
                kept.add(renumber(nodes.get(i), newIndex));
            }
        }
        List<Entry> outs = new ArrayList<>();
        for (Entry e : outputs) {
            outs.add(new Entry(newIndex[e.node()], e.output()));
        }
        return new Graph(kept, outs);
    }

    private static Node renumber(Node n, int[] newIndex) {
        if (n instanceof OpNode op) {
            List<Entry> in = new ArrayList<>(op.inputs().size());
            for (Entry e : op.inputs()) {
                in.add(new Entry(newIndex[e.node()], e.output()));
            }
            return op.withInputs(in);
        }
        return n;
    }

    /**
     * Structural identity: a number per node such that two nodes get the same number exactly when they compute the
     * same thing (same op, attributes, annotations and equally numbered inputs; variables by name), whatever they
     * are called. Equal subgraphs are the nodes sharing a number, which common-subexpression elimination merges.
     */
    public int[] valueNumbers() {
        return valueNumbers(i -> false);
    }

    /**
     * As {@link #valueNumbers()}, except that each node {@code distinct} accepts gets a number of its own, as do the
     * nodes computed from it: for nodes that differ from an equal-looking one (a random draw, an op with side
     * effects).
     */
    public int[] valueNumbers(IntPredicate distinct) {
        Map<List<Object>, Integer> numbering = new HashMap<>();
        int[] vn = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            List<Object> key = new ArrayList<>();
            if (distinct.test(i)) {
                key.add("distinct");
                key.add(i);
            } else {
                switch (n) {
                    case Variable v -> {
                        key.add("var");
                        key.add(v.name());
                    }
                    case OpNode op -> {
                        key.add(op.op());
                        key.add(op.params());
                        key.add(op.attrs());
                        for (Entry e : op.inputs()) {
                            key.add(vn[e.node()]);
                            key.add(e.output());
                        }
                    }
                }
            }
            vn[i] = numbering.computeIfAbsent(key, k -> numbering.size());
        }
        return vn;
    }

    @Override
    public String toString() {
        return GraphText.format(this);
    }
}
