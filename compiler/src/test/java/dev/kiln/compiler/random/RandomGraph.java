package dev.kiln.compiler.random;

import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated graph with its inputs: the seed it came from, the graph, each variable's shape, dtype and value domain,
 * and the arrays the generator built it on (every node ran on them).
 */
record RandomGraph(long seed, Graph graph, List<VariableSpec> variables, Map<String, NDArray> arrays) {

    /** The inputs in variable order, copied (backends may update auxiliary states in place). */
    NDArray[] inputs() {
        return variables.stream().map(v -> arrays.get(v.name()).copy()).toArray(NDArray[]::new);
    }

    /** Other inputs from the same domains, for a second call of a compiled graph. */
    NDArray[] otherInputs(long salt) {
        Random rnd = new Random(seed * 31 + salt);
        return variables.stream().map(v -> v.domain().sample(rnd, v.shape(), v.dtype())).toArray(NDArray[]::new);
    }

    /**
     * Inputs of other shapes of the same ranks, for a graph compiled without static shapes: every dim equal to the
     * first input's first dim grows by one (a batch size); null where shape inference then fails or gives any value
     * another rank (gather_nd's index count), which is outside what such a graph must serve.
     */
    NDArray[] resizedInputs() {
        int batch = variables.get(0).shape().get(0);
        Map<String, Shape> before = new java.util.HashMap<>();
        Map<String, Shape> after = new java.util.HashMap<>();
        for (VariableSpec v : variables) {
            int[] d = v.shape().dims();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] == batch ? batch + 1 : d[i];
            }
            before.put(v.name(), v.shape());
            after.put(v.name(), Shape.of(d));
        }
        try {
            var was = ShapeInference.infer(graph, before);
            var now = ShapeInference.infer(graph, after).requireComplete();
            for (int i = 0; i < graph.size(); i++) {
                for (int k = 0; k < graph.node(i).numOutputs(); k++) {
                    if (was.entry(i, k).rank() != now.entry(i, k).rank()) {
                        return null;
                    }
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        Random rnd = new Random(seed * 37 + 5);
        return variables.stream().map(v -> v.domain().sample(rnd, after.get(v.name()), v.dtype()))
                .toArray(NDArray[]::new);
    }

    /** The graph computing only {@code outputs}, without the nodes and variables they do not read (shrinking). */
    RandomGraph withOutputs(List<dev.kiln.graph.Entry> outputs) {
        Graph g = graph.withOutputs(outputs).pruned();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i : g.variableNodes()) {
            names.add(g.node(i).name());
        }
        return new RandomGraph(seed, g, variables.stream().filter(v -> names.contains(v.name())).toList(), arrays);
    }

    /** The reproduction: seed, graph text with every value's shape and dtype, and the inputs. */
    String describe() {
        StringBuilder sb = new StringBuilder("seed ").append(seed).append('\n');
        Map<String, Shape> shapes = new java.util.HashMap<>();
        Map<String, dev.kiln.ndarray.DType> types = new java.util.HashMap<>();
        for (VariableSpec v : variables) {
            shapes.put(v.name(), v.shape());
            types.put(v.name(), v.dtype());
        }
        var s = ShapeInference.infer(graph, shapes);
        var t = TypeInference.infer(graph, types);
        sb.append(GraphText.format(graph, e -> s.entry(e) + " " + t.entry(e))).append('\n').append("inputs:\n");
        for (VariableSpec v : variables) {
            sb.append("  ").append(v).append('\n');
        }
        return sb.toString();
    }
}
