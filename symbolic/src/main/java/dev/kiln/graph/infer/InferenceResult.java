package dev.kiln.graph.infer;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What an inference pass found: a value (possibly unknown, {@code null}) for every entry of the graph, read by
 * argument, auxiliary state, output or any entry. {@link #requireComplete} turns gaps into one error naming every
 * unresolved argument and the node where inference stopped.
 *
 * @param <V> {@code Shape} or {@code DType}
 */
public final class InferenceResult<V> {
    private final Graph graph;
    private final int[] rowPtr;
    private final Object[] values;
    private final String what;
    private final Predicate<V> isKnown;

    InferenceResult(Graph graph, int[] rowPtr, Object[] values, String what, Predicate<V> isKnown) {
        this.graph = graph;
        this.rowPtr = rowPtr;
        this.values = values.clone();
        this.what = what;
        this.isKnown = isKnown;
    }

    public Graph graph() {
        return graph;
    }

    /** The value of one entry, {@code null} if unknown. */
    @SuppressWarnings("unchecked")
    public V entry(Entry e) {
        return (V) values[rowPtr[e.node()] + e.output()];
    }

    /** The value of output {@code k} of node {@code node}. */
    public V entry(int node, int k) {
        return entry(new Entry(node, k));
    }

    /** Values of the arguments, in {@code listArguments} order. */
    public List<V> arguments() {
        return ofNodes(graph.argumentNodes());
    }

    /** Values of the auxiliary states, in {@code listAuxiliaryStates} order. */
    public List<V> auxiliaryStates() {
        return ofNodes(graph.auxiliaryNodes());
    }

    /** Values of the graph's outputs. */
    public List<V> outputs() {
        List<V> out = new ArrayList<>();
        for (Entry e : graph.outputs()) {
            out.add(entry(e));
        }
        return out;
    }

    /** Every variable's value by name (arguments and auxiliary states). */
    public Map<String, V> variables() {
        Map<String, V> out = new LinkedHashMap<>();
        for (int i : graph.variableNodes()) {
            out.put(graph.node(i).name(), entry(i, 0));
        }
        return out;
    }

    /** True if every entry is known. */
    public boolean isComplete() {
        for (int i = 0; i < graph.size(); i++) {
            for (int k = 0; k < graph.node(i).numOutputs(); k++) {
                if (!known(entry(i, k))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * This result if complete; otherwise an error that names each argument whose value is still unknown (with what
     * is known of it) and the first node, in graph order, whose outputs could not be inferred.
     */
    public InferenceResult<V> requireComplete() {
        if (isComplete()) {
            return this;
        }
        List<String> missing = new ArrayList<>();
        for (int i : graph.variableNodes()) {
            V v = entry(i, 0);
            if (!known(v)) {
                missing.add("'" + graph.node(i).name() + "'" + (v == null ? "" : " (known so far: " + v + ")")
                        + consumer(i));
            }
        }
        StringBuilder msg = new StringBuilder(what + " inference is incomplete");
        if (!missing.isEmpty()) {
            msg.append(": unknown ").append(what).append(" for ").append(String.join(", ", missing));
        }
        for (int i = 0; i < graph.size(); i++) {
            Node n = graph.node(i);
            if (n instanceof OpNode op && !allOutputsKnown(i)) {
                msg.append("; inference stopped at node '").append(op.name()).append("' (").append(op.op().name())
                        .append(") with inputs ").append(describe(op));
                break;
            }
        }
        throw new KilnException(msg.append(". Give the missing ").append(what).append("s as arguments").toString());
    }

    /** {@code " used by node 'fc1' (FullyConnected)"}: the first op reading a variable, for error messages. */
    private String consumer(int variable) {
        for (int i = variable + 1; i < graph.size(); i++) {
            if (graph.node(i) instanceof OpNode op) {
                for (Entry e : op.inputs()) {
                    if (e.node() == variable) {
                        return " used by node '" + op.name() + "' (" + op.op().name() + ")";
                    }
                }
            }
        }
        return "";
    }

    private boolean allOutputsKnown(int node) {
        for (int k = 0; k < graph.node(node).numOutputs(); k++) {
            if (!known(entry(node, k))) {
                return false;
            }
        }
        return true;
    }

    private String describe(OpNode op) {
        List<V> in = new ArrayList<>(op.inputs().size());
        for (Entry e : op.inputs()) {
            in.add(entry(e));
        }
        return describeInputs(op, in);
    }

    /** {@code {data=(2, 3), weight=unknown}}: an op node's input names with their values, for error messages. */
    static String describeInputs(OpNode node, List<?> in) {
        StringBuilder sb = new StringBuilder("{");
        List<String> names = node.inputNames();
        for (int k = 0; k < in.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(names.get(k)).append('=')
                    .append(in.get(k) == null ? "unknown" : in.get(k));
        }
        return sb.append('}').toString();
    }

    private boolean known(V v) {
        return isKnown.test(v);
    }

    private List<V> ofNodes(List<Integer> nodes) {
        List<V> out = new ArrayList<>(nodes.size());
        for (int i : nodes) {
            out.add(entry(i, 0));
        }
        return out;
    }
}
