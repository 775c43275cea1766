package dev.kiln.graph;

import java.util.Map;
import java.util.function.Function;

/**
 * The graph as readable text, one node per line in order, e.g.
 * {@code %3 = FullyConnected[num_hidden=10](%0, %1, %2)  # fc1}; passes print it between steps. The annotated form
 * adds a note per output (an inferred shape or dtype): {@code %3 = FullyConnected[num_hidden=10](%0, %1, %2) :
 * (2, 10)  # fc1}.
 */
public final class GraphText {
    private GraphText() {
    }

    public static String format(Graph g) {
        return format(g, null);
    }

    /**
     * The text form with {@code notes} of every output of every node (hidden outputs included, as entries may read
     * them) after {@code :}, comma separated; no notes when {@code notes} is null.
     */
    public static String format(Graph g, Function<? super Entry, String> notes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.size(); i++) {
            Node n = g.node(i);
            sb.append('%').append(i).append(" = ");
            switch (n) {
                case Variable v -> {
                    sb.append("var ").append(v.name()).append(annotations(v.attrs()));
                    appendNotes(sb, i, n, notes);
                }
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
                    sb.append(')');
                    appendNotes(sb, i, n, notes);
                    sb.append("  # ").append(op.name()).append(annotations(op.attrs()));
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

    private static void appendNotes(StringBuilder sb, int index, Node n, Function<? super Entry, String> notes) {
        if (notes == null) {
            return;
        }
        sb.append(" :");
        for (int k = 0; k < n.numOutputs(); k++) {
            sb.append(k == 0 ? " " : ", ").append(notes.apply(new Entry(index, k)));
        }
    }

    private static String annotations(Map<String, String> attrs) {
        return attrs.isEmpty() ? "" : " " + attrs;
    }
}
