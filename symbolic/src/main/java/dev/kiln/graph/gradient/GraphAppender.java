package dev.kiln.graph.gradient;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpBackend;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@link OpBackend} gradient rules run on while the graph gradient is built: each op a rule applies becomes a
 * node appended to a growing node list, and the rule gets its entries back. Nodes a rule adds are named after the
 * forward node the rule is for ({@link #namingFor}): {@code fc1_backward} for a {@code _backward_*} op,
 * {@code fc1_backward_broadcast_mul} for any other, with {@code _1}, {@code _2}, ... where a name is taken.
 */
final class GraphAppender implements OpBackend<Entry> {
    private final List<Node> nodes;
    private final Set<String> names = new HashSet<>();
    private String base = "grad";

    GraphAppender(List<Node> forward) {
        this.nodes = new ArrayList<>(forward);
        for (Node n : forward) {
            names.add(n.name());
        }
    }

    /** The nodes so far: the forward nodes, then every node appended. */
    List<Node> nodes() {
        return nodes;
    }

    /** Names the nodes appended from now on after the forward node {@code forwardNode}. */
    void namingFor(String forwardNode) {
        base = forwardNode + "_backward";
    }

    /** Appends a variable; its name is made unique if taken. */
    Entry variable(String name) {
        nodes.add(new Variable(unique(name)));
        return new Entry(nodes.size() - 1, 0);
    }

    /** Appends a one-output op node named {@code name} (made unique if taken). */
    Entry applyNamed(String name, String opName, Map<String, ?> attrs, List<Entry> inputs) {
        OpDef op = OpRegistry.global().get(opName);
        return append(unique(name), op, op.attrs(attrs), inputs).get(0);
    }

    @Override
    public List<Entry> apply(String opName, Map<String, ?> attrs, List<Entry> inputs) {
        OpDef op = OpRegistry.global().get(opName);
        String suffix = op.name().startsWith("_backward_") ? ""
                : "_" + op.name().replaceFirst("^_+", "").toLowerCase(Locale.ROOT);
        return append(unique(base + suffix), op, op.attrs(attrs), inputs);
    }

    private List<Entry> append(String name, OpDef op, Attrs params, List<Entry> inputs) {
        nodes.add(new OpNode(name, op, params, inputs));
        int index = nodes.size() - 1;
        int visible = op.numVisibleOutputs(params);
        List<Entry> out = new ArrayList<>(visible);
        for (int k = 0; k < visible; k++) {
            out.add(new Entry(index, k));
        }
        return out;
    }

    private String unique(String name) {
        String n = name;
        for (int k = 1; !names.add(n); k++) {
            n = name + "_" + k;
        }
        return n;
    }
}
