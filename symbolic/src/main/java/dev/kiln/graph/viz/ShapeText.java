package dev.kiln.graph.viz;

import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.Shape;

import java.util.Map;

/**
 * Shapes as the printed forms show them, with {@code ?} for whatever inference left unknown: a tuple
 * {@code (2, ?)} in the text form, and MXNet's batchless {@code 64x28x28} on plot edges and summary rows.
 */
public final class ShapeText {
    private ShapeText() {
    }

    /** Python tuple form, {@code (2, ?)}, {@code (3,)}, {@code ()}; {@code ?} for an unknown shape or rank. */
    public static String tuple(Shape s) {
        if (s == null || !s.isRankKnown()) {
            return "?";
        }
        StringBuilder sb = new StringBuilder("(");
        int[] d = s.dims();
        for (int i = 0; i < d.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dim(d[i]));
        }
        return sb.append(d.length == 1 ? ",)" : ")").toString();
    }

    /**
     * The dims after the first joined by {@code x}, as MXNet's plots and summaries print shapes ({@code (32, 64, 28,
     * 28)} is {@code 64x28x28}; a rank-1 shape is empty); {@code ?} for an unknown shape or rank.
     */
    public static String withoutBatch(Shape s) {
        if (s == null || !s.isRankKnown()) {
            return "?";
        }
        StringBuilder sb = new StringBuilder();
        int[] d = s.dims();
        for (int i = 1; i < d.length; i++) {
            sb.append(i == 1 ? "" : "x").append(dim(d[i]));
        }
        return sb.toString();
    }

    /**
     * The text form of {@code g} ({@link GraphText}) with every node's inferred output shapes after it; shapes are
     * taken as they are ({@link Shape#UNKNOWN} dims unknown) and partial inference is enough.
     */
    public static String graphText(Graph g, Map<String, Shape> argumentShapes) {
        InferenceResult<Shape> shapes = ShapeInference.infer(g, argumentShapes);
        return GraphText.format(g, e -> tuple(shapes.entry(e)));
    }

    private static String dim(int d) {
        return d == Shape.UNKNOWN ? "?" : Integer.toString(d);
    }
}
