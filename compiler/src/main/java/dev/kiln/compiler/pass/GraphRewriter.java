package dev.kiln.compiler.pass;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the graph a pass returns from the graph it read, visiting the source nodes in order: each is kept (its
 * inputs renumbered), replaced by another node, forwarded to entries already built (the node disappears and its
 * readers read those instead), or dropped. {@link #map} turns a source entry into the new graph's; outputs are mapped
 * at the end, so their count and order never change.
 */
final class GraphRewriter {
    private final Graph source;
    private final Entry[][] map;
    private final List<Node> nodes = new ArrayList<>();
    private final BitSet sourceOutputNodes;
    private final BitSet outputNodes = new BitSet();
    private Set<String> usedNames;

    GraphRewriter(Graph source) {
        this.source = source;
        this.map = new Entry[source.size()][];
        this.sourceOutputNodes = new BitSet(source.size());
        for (Entry e : source.outputs()) {
            sourceOutputNodes.set(e.node());
        }
    }

    /** True if some graph output reads source node {@code i}. */
    boolean isOutputNode(int i) {
        return sourceOutputNodes.get(i);
    }

    /** The new graph's entry for source entry {@code e}, which must have been kept, replaced or forwarded. */
    Entry map(Entry e) {
        Entry[] m = map[e.node()];
        if (m == null || m[e.output()] == null) {
            throw new IllegalStateException("rewrite reads output " + e.output() + " of node " + e.node() + " '"
                    + source.node(e.node()).name() + "', which was dropped");
        }
        return m[e.output()];
    }

    /** Node {@code index} of the new graph, as built so far. */
    Node node(int index) {
        return nodes.get(index);
    }

    /** Copies source node {@code i} with its inputs renumbered. */
    void keep(int i) {
        Node n = source.node(i);
        if (n instanceof OpNode op) {
            List<Entry> in = new ArrayList<>(op.inputs().size());
            for (Entry e : op.inputs()) {
                in.add(map(e));
            }
            n = op.withInputs(in);
        }
        put(i, n);
    }

    /**
     * Puts {@code node}, whose inputs are entries of the new graph, in place of source node {@code i}; it must have as
     * many outputs as the node it replaces.
     */
    void put(int i, Node node) {
        if (node.numOutputs() != source.node(i).numOutputs()) {
            throw new IllegalStateException("node '" + node.name() + "' with " + node.numOutputs()
                    + " outputs cannot replace '" + source.node(i).name() + "' with " + source.node(i).numOutputs());
        }
        if (sourceOutputNodes.get(i)) {
            outputNodes.set(nodes.size());
        }
        map[i] = entries(nodes.size(), node.numOutputs());
        nodes.add(node);
    }

    /**
     * Appends {@code node}, whose inputs are entries of the new graph, without replacing a source node (a helper value
     * a rewrite needs, such as a folded scale); returns the index it has in the new graph.
     */
    int add(Node node) {
        nodes.add(node);
        return nodes.size() - 1;
    }

    /** {@code base}, or {@code base} with a number appended, such that no source or added node has that name. */
    String freshName(String base) {
        if (usedNames == null) {
            usedNames = new HashSet<>();
            for (Node n : source.nodes()) {
                usedNames.add(n.name());
            }
            for (Node n : nodes) {
                usedNames.add(n.name());
            }
        }
        String name = base;
        for (int k = 1; usedNames.contains(name); k++) {
            name = base + k;
        }
        usedNames.add(name);
        return name;
    }

    /**
     * True if source node {@code i} may disappear with its readers reading {@code target}, an entry of the new graph:
     * always, unless the node is a graph output and the target is a variable, a constant or itself a graph output.
     * Outputs stay distinct arrays computed by the graph, as eager calls return them (a caller may write into one).
     */
    boolean mayForward(int i, Entry target) {
        if (!sourceOutputNodes.get(i)) {
            return true;
        }
        Node t = nodes.get(target.node());
        boolean computed = t instanceof OpNode op && !(op.op() instanceof ConstantOp);
        return computed && !outputNodes.get(target.node());
    }

    /**
     * Source node {@code i} disappears; a reader of its output {@code k} reads {@code targets[k]}, an entry of the new
     * graph. Outputs past the targets given must be unread.
     */
    void forward(int i, Entry... targets) {
        Entry[] m = new Entry[source.node(i).numOutputs()];
        System.arraycopy(targets, 0, m, 0, targets.length);
        map[i] = m;
        if (sourceOutputNodes.get(i)) {
            for (Entry t : targets) {
                outputNodes.set(t.node());
            }
        }
    }

    /** The rewritten graph: the nodes built, with the source outputs mapped. */
    Graph build() {
        List<Entry> outs = new ArrayList<>(source.outputs().size());
        for (Entry e : source.outputs()) {
            outs.add(map(e));
        }
        return new Graph(nodes, outs);
    }

    /** Every output entry of node {@code node}, which has {@code count} outputs. */
    static Entry[] entries(int node, int count) {
        Entry[] out = new Entry[count];
        for (int k = 0; k < count; k++) {
            out[k] = new Entry(node, k);
        }
        return out;
    }

    /** For each node, how many readers (nodes and graph outputs) each of its outputs has. */
    static int[][] readCounts(Graph g) {
        int[][] reads = new int[g.size()][];
        for (int i = 0; i < g.size(); i++) {
            reads[i] = new int[g.node(i).numOutputs()];
            for (Entry e : g.node(i).inputs()) {
                reads[e.node()][e.output()]++;
            }
        }
        for (Entry e : g.outputs()) {
            reads[e.node()][e.output()]++;
        }
        return reads;
    }
}
