package dev.kiln.compiler.jit;

import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.symbol.Sym.sym;

/** Layer graphs for the fusion tests: convolutions, every variable's shape, random inputs, and a graph's node list. */
final class LayerGraphs {
    private LayerGraphs() {
    }

    /** A convolution named {@code n} with {@code filters} filters, "same" padding, and {@code more} attributes. */
    static Symbol conv(String n, int filters, int[] kernel, Symbol x, Map<String, Object> more) {
        Map<String, Object> attrs = new HashMap<>(more);
        attrs.put("name", n);
        attrs.put("num_filter", filters);
        attrs.put("kernel", kernel);
        attrs.put("pad", Arrays.stream(kernel).map(k -> k / 2).toArray());
        return sym.call("Convolution", attrs, x);
    }

    /** Every variable's shape, inferred from the data's. */
    static Map<String, Shape> shapes(Graph g, Map<String, Shape> data) {
        var inferred = ShapeInference.infer(g, data);
        Map<String, Shape> m = new LinkedHashMap<>();
        for (int i : g.variableNodes()) {
            m.put(g.node(i).name(), inferred.entry(i, 0));
        }
        return m;
    }

    /** Finite values in [-3, 3) with zeros, so relu's and leaky's kinks are hit too. */
    static Map<String, NDArray> inputs(Random r, Map<String, Shape> shapes, DType t) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        shapes.forEach((n, s) -> {
            double[] v = new double[s.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(20) == 0 ? 0 : (r.nextDouble() - 0.5) * 6;
            }
            m.put(n, NDArray.of(s, t, v));
        });
        return m;
    }

    /** Each node as {@code op:name}, variables as {@code var:name}, in graph order. */
    static List<String> ops(Graph g) {
        List<String> out = new ArrayList<>();
        for (var node : g.nodes()) {
            out.add(node instanceof OpNode op ? op.op().name() + ":" + op.name() : "var:" + node.name());
        }
        return out;
    }
}
