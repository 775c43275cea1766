package dev.kiln.graph.json;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a graph as MXNet 1.9's {@code MXSymbolSaveToJSON} does: nodes in nnvm's depth-first order from the outputs,
 * each with its op ({@code "null"} for variables), name, attributes (explicit op attributes in MXNet's string form
 * plus annotations, sorted by key, left out when empty) and inputs as {@code [node, output, version]}; then
 * {@code arg_nodes}, {@code node_row_ptr}, {@code heads} and {@code attrs} with the MXNet version.
 */
final class SymbolJsonWriter {
    /** std::map's key order: bytes of the UTF-8 encoding, unsigned. */
    private static final Comparator<String> BYTE_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private SymbolJsonWriter() {
    }

    static String write(Graph graph, int mxnetVersion) {
        int[] heads = new int[graph.outputs().size()];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = graph.outputs().get(i).node();
        }
        int[] order = DepthFirst.postOrder(graph.size(), i -> inputNodes(graph.node(i)), heads,
                i -> "'" + graph.node(i).name() + "'");
        int[] newIndex = new int[graph.size()];
        for (int k = 0; k < order.length; k++) {
            newIndex[order[k]] = k;
        }
        int[] varVersion = new int[graph.size()];
        DmlcJsonWriter w = new DmlcJsonWriter();
        w.beginObject(true);
        w.key("nodes");
        w.beginArray(true);
        int[] argNodes = new int[order.length];
        int numArgs = 0;
        int[] rowPtr = new int[order.length + 1];
        for (int k = 0; k < order.length; k++) {
            Node n = graph.node(order[k]);
            if (n instanceof Variable) {
                argNodes[numArgs++] = k;
            }
            rowPtr[k + 1] = rowPtr[k] + n.numOutputs();
            w.item();
            writeNode(w, n, newIndex, versions(graph, n, varVersion));
        }
        w.endArray();
        w.key("arg_nodes");
        w.intArray(Arrays.copyOf(argNodes, numArgs));
        w.key("node_row_ptr");
        w.intArray(rowPtr);
        w.key("heads");
        writeEntries(w, graph.outputs(), newIndex, new int[graph.outputs().size()]);
        w.key("attrs");
        w.beginObject(false);
        w.key("mxnet_version");
        w.beginArray(false);
        w.item();
        w.string("int");
        w.item();
        w.number(mxnetVersion);
        w.endArray();
        w.endObject();
        w.endObject();
        return w.toString();
    }

    private static void writeNode(DmlcJsonWriter w, Node n, int[] newIndex, int[] versions) {
        w.beginObject(true);
        w.key("op");
        w.string(n instanceof OpNode op ? op.op().mxnetName() : "null");
        w.key("name");
        w.string(n.name());
        Map<String, String> attrs = attributes(n);
        if (!attrs.isEmpty()) {
            w.key("attrs");
            w.beginObject(attrs.size() > 1);
            for (Map.Entry<String, String> e : attrs.entrySet()) {
                w.key(e.getKey());
                w.string(e.getValue());
            }
            w.endObject();
        }
        w.key("inputs");
        writeEntries(w, n.inputs(), newIndex, versions);
        w.endObject();
    }

    /** The node's attribute dictionary as MXNet keeps it: op attributes and annotations in one map. */
    private static Map<String, String> attributes(Node n) {
        Map<String, String> all = new TreeMap<>(BYTE_ORDER);
        all.putAll(n.attrs());
        if (n instanceof OpNode op) {
            for (Map.Entry<String, String> e : op.paramStrings().entrySet()) {
                if (all.containsKey(e.getKey())) {
                    throw new KilnException("node '" + n.name() + "' (" + op.op().name() + ") has both an op "
                            + "attribute and an annotation named '" + e.getKey() + "'; symbol JSON has one "
                            + "dictionary for both");
                }
                all.put(e.getKey(), e.getValue());
            }
        }
        return all;
    }

    private static void writeEntries(DmlcJsonWriter w, List<Entry> entries, int[] newIndex, int[] versions) {
        // nnvm's entry is a plain struct, so dmlc writes the list on one line unless it has more than ten
        w.beginArray(entries.size() > 10);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            w.item();
            w.beginArray(false);
            w.item();
            w.number(newIndex[e.node()]);
            w.item();
            w.number(e.output());
            w.item();
            w.number(versions[i]);
            w.endArray();
        }
        w.endArray();
    }

    /**
     * The version numbers nnvm gives a node's input entries when the graph is composed in this order: a variable
     * read is at the variable's current version, and each variable the op updates in place (an auxiliary state)
     * moves to the next version, so BatchNorm reads its moving statistics at version 1.
     */
    private static int[] versions(Graph graph, Node n, int[] varVersion) {
        int[] v = new int[n.inputs().size()];
        if (n instanceof OpNode op) {
            for (int i = 0; i < v.length; i++) {
                int src = op.inputs().get(i).node();
                if (graph.node(src) instanceof Variable) {
                    v[i] = varVersion[src];
                }
            }
            for (int i : op.op().auxInputIndices(op.params())) {
                int src = op.inputs().get(i).node();
                if (graph.node(src) instanceof Variable) {
                    v[i] = ++varVersion[src];
                }
            }
        }
        return v;
    }

    private static int[] inputNodes(Node n) {
        List<Entry> in = n.inputs();
        int[] out = new int[in.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.get(i).node();
        }
        return out;
    }
}
