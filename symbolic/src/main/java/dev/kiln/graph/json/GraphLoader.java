package dev.kiln.graph.json;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a parsed symbol document into a {@link Graph} as MXNet's {@code LoadLegacyJSON} pass does: ops resolved
 * through the registry (aliases included), every index checked, the upgrades for older files applied
 * ({@link LegacyUpgrade}), and the nodes put in nnvm's depth-first order from the heads, which is the order MXNet
 * lists and saves them in (nodes no head reaches are dropped; a file's nodes need not be sorted, but may not form a
 * cycle).
 */
final class GraphLoader {
    /** MXNet 0.8.0, the version of files without {@code mxnet_version}. */
    static final int VERSION_0_8_0 = 800;

    private GraphLoader() {
    }

    static Graph load(RawGraph raw) {
        List<LoadingNode> nodes = resolve(raw);
        int[] heads = new int[raw.heads().size()];
        for (int i = 0; i < heads.length; i++) {
            int[] e = raw.heads().get(i);
            heads[i] = checkIndex(e[0], nodes.size(), "graph output " + i);
        }
        for (int id : raw.argNodes()) {
            checkIndex(id, nodes.size(), "arg_nodes");
            if (!nodes.get(id).isVariable()) {
                throw new FileFormatException("symbol JSON: arg_nodes lists " + nodes.get(id).label() + ", which is "
                        + "not a variable (op \"null\") but a " + nodes.get(id).op.name() + " node");
            }
        }
        int version = raw.mxnetVersion() == null ? VERSION_0_8_0 : raw.mxnetVersion();
        int[] order = order(nodes, heads);
        LegacyUpgrade.apply(nodes, order, version);
        return build(nodes, order(nodes, heads), raw.heads());
    }

    private static List<LoadingNode> resolve(RawGraph raw) {
        OpRegistry registry = OpRegistry.global();
        List<LoadingNode> nodes = new ArrayList<>(raw.nodes().size());
        int size = raw.nodes().size();
        for (int i = 0; i < size; i++) {
            RawGraph.RawNode r = raw.nodes().get(i);
            String label = "node " + i + " '" + r.name() + "'";
            if (r.name().isEmpty()) {
                throw new FileFormatException("symbol JSON: node " + i + " has an empty name");
            }
            OpDef op = null;
            if (!r.isVariable()) {
                try {
                    op = registry.get(r.op());
                } catch (KilnException e) {
                    throw new FileFormatException(label + ": " + e.getMessage(), e); // "unknown op 'Foo'; did you mean"
                }
            } else if (!r.inputs().isEmpty()) {
                throw new FileFormatException(label + ": a variable (op \"null\") has no inputs, this one has "
                        + r.inputs().size());
            }
            String what = label + (op == null ? "" : " (" + op.name() + ")");
            if (r.subgraphs() > 0) {
                throw new FileFormatException(what + ": carries " + r.subgraphs() + " subgraph(s); control-flow and "
                        + "partitioned subgraph ops are not supported");
            }
            if (r.controlDeps().length > 0) {
                throw new FileFormatException(what + ": has control dependencies (control_deps), which Kiln graphs do "
                        + "not represent");
            }
            for (int k = 0; k < r.inputs().size(); k++) {
                checkIndex(r.inputs().get(k)[0], size, what + " input " + k);
            }
            nodes.add(new LoadingNode(i, r.name(), op, r.dict(), r.inputs()));
        }
        return nodes;
    }

    private static int checkIndex(int node, int size, String who) {
        if (node >= size) {
            throw new FileFormatException("symbol JSON: " + who + " refers to node " + node + ", but the graph has "
                    + size + " nodes");
        }
        return node;
    }

    private static int[] order(List<LoadingNode> nodes, int[] heads) {
        return DepthFirst.postOrder(nodes.size(), i -> {
            List<int[]> in = nodes.get(i).inputs;
            int[] out = new int[in.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = in.get(k)[0];
            }
            return out;
        }, heads, i -> nodes.get(i).label());
    }

    private static Graph build(List<LoadingNode> nodes, int[] order, List<int[]> heads) {
        int[] newIndex = new int[nodes.size()];
        List<Node> out = new ArrayList<>(order.length);
        for (int k = 0; k < order.length; k++) {
            LoadingNode n = nodes.get(order[k]);
            newIndex[order[k]] = k;
            if (n.isVariable()) {
                out.add(new Variable(n.name, n.dict));
                continue;
            }
            int expected = n.op.numInputs(n.params);
            if (n.inputs.size() != expected) {
                throw n.error("has " + n.inputs.size() + " inputs but the op takes " + expected + " "
                        + n.op.inputNames(n.params));
            }
            List<Entry> in = new ArrayList<>(expected);
            for (int i = 0; i < expected; i++) {
                int[] e = n.inputs.get(i);
                in.add(new Entry(newIndex[e[0]], checkOutput(nodes, e, n.label() + " input " + i)));
            }
            out.add(new OpNode(n.name, n.op, n.params, in, n.annotations));
        }
        List<Entry> outputs = new ArrayList<>(heads.size());
        for (int i = 0; i < heads.size(); i++) {
            int[] e = heads.get(i);
            outputs.add(new Entry(newIndex[e[0]], checkOutput(nodes, e, "graph output " + i)));
        }
        return new Graph(out, outputs);
    }

    private static int checkOutput(List<LoadingNode> nodes, int[] entry, String who) {
        LoadingNode src = nodes.get(entry[0]);
        int count = src.isVariable() ? 1 : src.op.numOutputs(src.params);
        if (entry[1] >= count) {
            throw new FileFormatException("symbol JSON: " + who + " reads output " + entry[1] + " of " + src.label()
                    + ", which has " + count + " output" + (count == 1 ? "" : "s"));
        }
        return entry[1];
    }
}
