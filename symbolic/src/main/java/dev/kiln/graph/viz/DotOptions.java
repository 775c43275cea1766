package dev.kiln.graph.viz;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Options of a DOT plot, as {@code mx.viz.plot_network}'s keywords: the digraph's {@code title} ("plot"), the
 * argument {@code shapes} and {@code types} whose inferred values label the edges (none when null),
 * {@code hideWeights} (true: parameters and auxiliary states are left out) and Graphviz {@code nodeAttrs} that
 * override the default box style of every node.
 */
public record DotOptions(String title, Map<String, Shape> shapes, Map<String, DType> types, boolean hideWeights,
        Map<String, String> nodeAttrs) {

    public DotOptions {
        if (title == null || title.isEmpty()) {
            throw new KilnException("DotOptions: the title must be a non-empty string, got "
                    + (title == null ? "null" : "''"));
        }
        shapes = shapes == null ? null : Map.copyOf(shapes);
        types = types == null ? null : Map.copyOf(types);
        nodeAttrs = Collections.unmodifiableMap(new TreeMap<>(nodeAttrs == null ? Map.of() : nodeAttrs));
    }

    /** MXNet's defaults: title "plot", no shapes or types, weights hidden, the default node style. */
    public static DotOptions defaults() {
        return new DotOptions("plot", null, null, true, Map.of());
    }

    public DotOptions withTitle(String newTitle) {
        return new DotOptions(newTitle, shapes, types, hideWeights, nodeAttrs);
    }

    /** Label edges with the shapes inferred from these argument shapes; partial shapes show {@code ?}. */
    public DotOptions withShapes(Map<String, Shape> argumentShapes) {
        return new DotOptions(title, argumentShapes, types, hideWeights, nodeAttrs);
    }

    /** Add the dtypes inferred from these argument dtypes to the edge labels, {@code 128(float32)}. */
    public DotOptions withTypes(Map<String, DType> argumentTypes) {
        return new DotOptions(title, shapes, argumentTypes, hideWeights, nodeAttrs);
    }

    public DotOptions withHideWeights(boolean hide) {
        return new DotOptions(title, shapes, types, hide, nodeAttrs);
    }

    /** Graphviz node attributes merged over the defaults, e.g. {@code fixedsize=false}. */
    public DotOptions withNodeAttrs(Map<String, String> attrs) {
        return new DotOptions(title, shapes, types, hideWeights, attrs);
    }
}
