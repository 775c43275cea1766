package dev.kiln.graph.viz;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A graph as a Graphviz DOT digraph, drawn as {@code mx.viz.plot_network} draws a symbol: data inputs as ovals,
 * ops as filled boxes labelled and coloured by {@link NodeStyle}, parameters and auxiliary states hidden unless
 * asked for, and an edge from each op back to each input it reads ({@code dir=back}), labelled with the inferred
 * shape without the batch dim (and dtype) when the options give argument shapes (and dtypes). Output is
 * deterministic: nodes in graph order, each node's attributes label first and the rest by name.
 */
public final class Dot {
    private static final Map<String, String> DEFAULT_NODE = Map.of("shape", "box", "fixedsize", "true", "width",
            "1.3", "height", "0.8034", "style", "filled");

    private Dot() {
    }

    /**
     * The DOT text of {@code g}. Argument shapes in the options are taken as they are ({@link Shape#UNKNOWN} dims
     * unknown); inference may stay partial, unknown dims print as {@code ?}.
     */
    public static String format(Graph g, DotOptions options) {
        InferenceResult<Shape> shapes = options.shapes() == null ? null : ShapeInference.infer(g, options.shapes());
        InferenceResult<DType> types = options.types() == null ? null : TypeInference.infer(g, options.types());
        VariableRoles.Role[] roles = VariableRoles.of(g);
        String[] ids = ids(g);
        boolean[] hidden = new boolean[g.size()];
        StringBuilder sb = new StringBuilder("digraph ").append(DotText.id(options.title())).append(" {\n");
        for (int i = 0; i < g.size(); i++) {
            hidden[i] = options.hideWeights() && roles[i] != VariableRoles.Role.OP
                    && roles[i] != VariableRoles.Role.INPUT;
            if (!hidden[i]) {
                appendNode(sb, g.node(i), roles[i], ids[i], options.nodeAttrs());
            }
        }
        for (int i = 0; i < g.size(); i++) {
            if (g.node(i) instanceof OpNode op) {
                for (Entry e : op.inputs()) {
                    if (!hidden[e.node()]) {
                        Map<String, String> attrs = new TreeMap<>(Map.of("dir", "back", "arrowtail", "open"));
                        String label = edgeLabel(g, e, shapes, types);
                        if (!label.isEmpty()) {
                            attrs.put("label", label);
                        }
                        sb.append("  ").append(ids[i]).append(" -> ").append(ids[e.node()]);
                        appendAttributes(sb, null, attrs);
                    }
                }
            }
        }
        return sb.append("}\n").toString();
    }

    /** One node statement: its label and MXNet's style for its kind, user node attributes over the defaults. */
    private static void appendNode(StringBuilder sb, Node n, VariableRoles.Role role, String id,
            Map<String, String> nodeAttrs) {
        Map<String, String> attrs = new TreeMap<>(DEFAULT_NODE);
        attrs.putAll(nodeAttrs);
        String label = n.name();
        switch (n) {
            // MXNet leaves a shown weight to Graphviz's default node: an unfilled oval named after the variable
            case Variable _ when role != VariableRoles.Role.INPUT -> attrs = new TreeMap<>(Map.of("shape", "oval"));
            case Variable _ -> {
                attrs.put("shape", "oval");
                attrs.put("fillcolor", NodeStyle.INPUT);
            }
            case OpNode op -> {
                label = NodeStyle.label(op);
                attrs.put("fillcolor", NodeStyle.color(op));
            }
        }
        sb.append("  ").append(id);
        appendAttributes(sb, label, attrs);
    }

    /**
     * The inferred shape (batchless) and dtype of the entry, {@code 64x28x28(float32)}; prefixed by the output
     * index, {@code [1]}, when the node it comes from has several outputs.
     */
    private static String edgeLabel(Graph g, Entry e, InferenceResult<Shape> shapes, InferenceResult<DType> types) {
        StringBuilder label = new StringBuilder();
        Node src = g.node(e.node());
        if (src.numVisibleOutputs() > 1 || e.output() >= src.numVisibleOutputs()) {
            label.append('[').append(e.output()).append(']');
        }
        if (shapes != null) {
            String s = ShapeText.withoutBatch(shapes.entry(e));
            label.append(label.isEmpty() || s.isEmpty() ? "" : " ").append(s);
        }
        if (types != null) {
            DType t = types.entry(e);
            label.append('(').append(t == null ? "?" : t.mxnetName()).append(')');
        }
        return label.toString();
    }

    /** Node IDs: the node's name, or {@code name#index} for names that several nodes share. */
    private static String[] ids(Graph g) {
        Map<String, Integer> count = new HashMap<>();
        for (Node n : g.nodes()) {
            count.merge(n.name(), 1, Integer::sum);
        }
        String[] ids = new String[g.size()];
        for (int i = 0; i < g.size(); i++) {
            String name = g.node(i).name();
            ids[i] = DotText.id(count.get(name) > 1 ? name + "#" + i : name);
        }
        return ids;
    }

    private static void appendAttributes(StringBuilder sb, String label, Map<String, String> attrs) {
        sb.append(" [");
        boolean first = true;
        if (label != null) {
            sb.append("label=").append(DotText.id(label));
            first = false;
        }
        for (Map.Entry<String, String> a : attrs.entrySet()) {
            if (!a.getKey().equals("label") || label == null) {
                sb.append(first ? "" : " ").append(DotText.id(a.getKey())).append('=').append(DotText.id(a.getValue()));
                first = false;
            }
        }
        sb.append("]\n");
    }
}
