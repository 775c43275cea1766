package dev.kiln.block;

import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.hybrid.GraphCache;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.hybrid.InputSignature;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The text of {@link HybridBlock#explain()}: the options and cache counters, then for each compiled signature the
 * graph as traced and as the backend compiled it, every value annotated with its shape and dtype, and the planned
 * memory.
 */
final class Explain {
    private Explain() {
    }

    static String of(HybridBlock block) {
        Hybridization h = block.hybridization();
        if (h == null) {
            return "block '" + block.name() + "' runs eagerly; call hybridize() and run it once to see its graphs\n";
        }
        HybridizeOptions o = h.options();
        GraphCache.Stats st = h.cache().stats();
        StringBuilder sb = new StringBuilder();
        sb.append("hybridized block '").append(block.name()).append("': backend ").append(o.backend())
                .append(", static alloc ").append(o.staticAlloc()).append(", static shapes ").append(o.staticShape())
                .append(", inline limit ").append(o.inlineLimit()).append('\n')
                .append("cache: ").append(st.size()).append(" of ").append(st.capacity()).append(" graphs, ")
                .append(st.hits()).append(" hits, ").append(st.misses()).append(" misses, ")
                .append(st.evictions()).append(" evictions\n");
        List<Map.Entry<InputSignature, CompiledGraph>> graphs = h.cache().entries();
        if (graphs.isEmpty()) {
            return sb.append("no graph compiled yet: call the block once\n").toString();
        }
        for (Map.Entry<InputSignature, CompiledGraph> entry : graphs) {
            CompiledGraph g = entry.getValue();
            CompileRequest r = g.request();
            sb.append("\n== signature ").append(entry.getKey()).append(" ==\n");
            sb.append("-- as traced --\n").append(GraphText.format(r.graph(), notes(r.graph(), r)));
            sb.append("-- as compiled (").append(g.executedBy().orElse(o.backend()))
                    .append(r.needsGradients() ? ", forward and backward" : ", forward").append(") --\n");
            sb.append(GraphText.format(g.compiledGraph(), notes(g.compiledGraph(), r)));
            if (!g.placement().isEmpty()) {
                sb.append("-- placement --\n").append(g.placement());
            }
            sb.append("memory: ").append(memory(g)).append('\n');
        }
        return sb.toString();
    }

    private static String memory(CompiledGraph g) {
        try {
            return g.memoryPlan().toString();
        } catch (RuntimeException e) {
            return "not planned (" + e.getMessage() + ")";
        }
    }

    /** Shape and dtype notes for {@code graph} given the request's inputs; none where inference cannot tell. */
    private static Function<Entry, String> notes(Graph graph, CompileRequest r) {
        Map<String, Shape> shapes = new HashMap<>();
        Map<String, DType> types = new HashMap<>();
        for (int i = 0; i < r.inputs().size(); i++) {
            shapes.put(r.inputs().get(i), r.shapes().get(i));
            types.put(r.inputs().get(i), r.dtypes().get(i));
        }
        InferenceResult<Shape> s;
        InferenceResult<DType> t;
        try {
            s = ShapeInference.infer(graph, shapes);
            t = TypeInference.infer(graph, types);
        } catch (RuntimeException e) {
            return null;
        }
        return e -> {
            Shape sh = s.entry(e);
            DType dt = t.entry(e);
            return (sh == null ? "?" : sh.toString()) + " " + (dt == null ? "?" : dt.mxnetName());
        };
    }
}
