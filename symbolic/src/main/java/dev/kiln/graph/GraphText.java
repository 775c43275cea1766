package dev.kiln.graph;

import java.util.Map;

/**
 * The graph as readable text, one node per line in order, e.g.
 * {@code %3 = FullyConnected[num_hidden=10](%0, %1, %2)  # fc1}; passes print it between steps.
 */
public final class GraphText {
    private GraphText() {
    }

    public static String format(Graph g) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.size(); i++) {
            Node n = g.node(i);
            sb.append('%').append(i).append(" = ");
            switch (n) {
                case Variable v -> sb.append("var ").append(v.name()).append(annotations(v.attrs()));
                case OpNode op -> {
                    sb.append(op.op().name());
                    Map<String, String> p = op.paramStrings();
                    if (!p.isEmpty()) {
                        sb.append('[');
                        int k = 0;
                        for (Map.Entry<String, String> e : p.entrySet()) {
                            sb.append(k++ == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
                        }
                        sb.append(']');
                    }
                    sb.append('(');
                    for (int k = 0; k < op.inputs().size(); k++) {
                        sb.append(k == 0 ? "" : ", ").append(op.inputs().get(k));
                    }
                    sb.append(")  # ").append(op.name()).append(annotations(op.attrs()));
                }
            }
            sb.append('\n');
        }
        sb.append("outputs:");
        for (Entry e : g.outputs()) {
            sb.append(' ').append(e);
        }
        return sb.append('\n').toString();
    }

    private static String annotations(Map<String, String> attrs) {
        return attrs.isEmpty() ? "" : " " + attrs;
    }
}
