package dev.kiln.graph.viz;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * A layer table in the layout of {@code mx.viz.print_summary}: one row per op and per data input, in graph order,
 * with columns "Layer (type)" ({@code fc1(FullyConnected)}, {@code data(null)}), "Output Shape" (batchless,
 * {@code ?} where unknown), "Param #" and "Previous Layer" (one row per further input), then "Total params: N".
 *
 * <p>A layer's parameters are the parameter variables it reads ({@link VariableRoles}), counted from their
 * inferred shapes, each once even when shared; auxiliary states do not count, as in MXNet (BatchNorm counts gamma
 * and beta: 2 x channels). Columns start at MXNet's fractions 0.44, 0.64 and 0.74 of the line length (120); a
 * field too long for its column is cut, and trailing spaces are dropped.
 */
public final class Summary {
    /** MXNet's default line length. */
    public static final int LINE_LENGTH = 120;
    private static final double[] COLUMN_ENDS = {.44, .64, .74, 1.};
    private static final List<String> HEADER = List.of("Layer (type)", "Output Shape", "Param #", "Previous Layer");

    private Summary() {
    }

    /** The table for {@code g} with shapes inferred from {@code argumentShapes} (taken as they are), 120 wide. */
    public static String format(Graph g, Map<String, Shape> argumentShapes) {
        return format(g, argumentShapes, LINE_LENGTH);
    }

    /** The table with lines {@code lineLength} characters wide. */
    public static String format(Graph g, Map<String, Shape> argumentShapes, int lineLength) {
        if (lineLength < HEADER.size()) {
            throw new KilnException("summary: line length must be at least " + HEADER.size() + ", got " + lineLength);
        }
        int[] ends = new int[COLUMN_ENDS.length];
        for (int c = 0; c < ends.length; c++) {
            ends[c] = (int) (lineLength * COLUMN_ENDS[c]);
        }
        InferenceResult<Shape> shapes = ShapeInference.infer(g, argumentShapes);
        VariableRoles.Role[] roles = VariableRoles.of(g);
        List<Integer> layers = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
            if (VariableRoles.isLayer(roles[i])) {
                layers.add(i);
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, '_', lineLength);
        row(sb, HEADER, ends);
        line(sb, '=', lineLength);
        BitSet counted = new BitSet(g.size());
        List<String> unknown = new ArrayList<>();
        long total = 0;
        for (int r = 0; r < layers.size(); r++) {
            int i = layers.get(r);
            Node n = g.node(i);
            List<String> previous = new ArrayList<>();
            long params = 0;
            boolean paramsKnown = true;
            for (Entry e : n.inputs()) {
                if (VariableRoles.isLayer(roles, e)) {
                    previous.add(g.node(e.node()).name());
                } else if (roles[e.node()] == VariableRoles.Role.PARAMETER && !counted.get(e.node())) {
                    counted.set(e.node());
                    Shape s = shapes.entry(e);
                    if (s != null && s.isKnown()) {
                        params += s.sizeLong();
                    } else {
                        paramsKnown = false;
                        unknown.add(g.node(e.node()).name());
                    }
                }
            }
            total += params;
            String type = n instanceof OpNode op ? op.op().name() : "null";
            row(sb, List.of(n.name() + "(" + type + ")", outputShapes(shapes, i, n), paramsKnown ? Long.toString(params)
                    : "?", previous.isEmpty() ? "" : previous.get(0)), ends);
            for (int p = 1; p < previous.size(); p++) {
                row(sb, List.of("", "", "", previous.get(p)), ends);
            }
            line(sb, r == layers.size() - 1 ? '=' : '_', lineLength);
        }
        sb.append("Total params: ").append(total).append('\n');
        if (!unknown.isEmpty()) {
            sb.append("Not counted, shape unknown: ").append(String.join(", ", unknown)).append('\n');
        }
        line(sb, '_', lineLength);
        return sb.toString();
    }

    /** The batchless shapes of the node's visible outputs, comma separated. */
    private static String outputShapes(InferenceResult<Shape> shapes, int index, Node n) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < n.numVisibleOutputs(); k++) {
            out.add(ShapeText.withoutBatch(shapes.entry(index, k)));
        }
        return String.join(", ", out);
    }

    private static void row(StringBuilder sb, List<String> fields, int[] ends) {
        int start = sb.length();
        int column = 0;
        for (int c = 0; c < fields.size(); c++) {
            int width = ends[c] - column;
            String f = fields.get(c);
            sb.append(f.length() > width ? f.substring(0, width) : f).repeat(" ", Math.max(0, width - f.length()));
            column = ends[c];
        }
        int end = sb.length();
        while (end > start && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }

    private static void line(StringBuilder sb, char c, int length) {
        sb.append(String.valueOf(c).repeat(length)).append('\n');
    }
}
