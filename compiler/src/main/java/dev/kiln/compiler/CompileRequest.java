package dev.kiln.compiler;

import dev.kiln.KilnException;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a backend compiles: a forward graph, the order its variables arrive in at run time, their shapes and dtypes
 * (those of the call that caused the compilation), whether the forward runs in training mode, and the variables
 * whose gradients backward must return (none for inference). With {@code staticShapes} false the compiled graph must
 * accept any shapes of the same ranks.
 *
 * @param graph         the forward graph; outputs past {@code numHeads} are taps (values a monitor or hook reads),
 *                      computed but never differentiated
 * @param inputs        every variable of the graph, in the order {@link CompiledGraph#run} receives the arrays
 * @param shapes        per input, its shape in the compiling call
 * @param dtypes        per input, its dtype in the compiling call
 * @param training      whether the forward runs in training mode (Dropout masks, BatchNorm batch statistics)
 * @param gradients     the inputs whose gradients backward returns, in that order; empty for inference only
 * @param staticShapes  whether every call has exactly these shapes
 * @param staticAlloc   whether buffers may be allocated once and reused across calls
 * @param numHeads      how many leading outputs are the graph's results, which backward receives gradients for
 * @param parameters    the inputs whose values persist across calls (block parameters and auxiliary states): in
 *                      inference a backend may compute what depends only on them once and reuse it while the same
 *                      arrays arrive unchanged ({@link dev.kiln.compiler.stage.ParameterStage})
 */
public record CompileRequest(Graph graph, List<String> inputs, List<Shape> shapes, List<DType> dtypes,
                             boolean training, List<String> gradients, boolean staticShapes, boolean staticAlloc,
                             int numHeads, Set<String> parameters) {

    /** A request with no inputs marked as parameters: every input may change between calls. */
    public CompileRequest(Graph graph, List<String> inputs, List<Shape> shapes, List<DType> dtypes, boolean training,
                          List<String> gradients, boolean staticShapes, boolean staticAlloc, int numHeads) {
        this(graph, inputs, shapes, dtypes, training, gradients, staticShapes, staticAlloc, numHeads, Set.of());
    }

    public CompileRequest {
        parameters = Set.copyOf(parameters);
        inputs = List.copyOf(inputs);
        shapes = List.copyOf(shapes);
        dtypes = List.copyOf(dtypes);
        gradients = List.copyOf(gradients);
        if (shapes.size() != inputs.size() || dtypes.size() != inputs.size()) {
            throw new KilnException("compile request: " + inputs.size() + " inputs but " + shapes.size()
                    + " shapes and " + dtypes.size() + " dtypes");
        }
        Set<String> variables = new HashSet<>();
        for (int i : graph.variableNodes()) {
            variables.add(graph.node(i).name());
        }
        if (!variables.equals(new HashSet<>(inputs))) {
            throw new KilnException("compile request: the inputs " + inputs + " are not the graph's variables "
                    + variables);
        }
        if (numHeads < 0 || numHeads > graph.outputs().size()) {
            throw new KilnException("compile request: " + numHeads + " heads for a graph of "
                    + graph.outputs().size() + " outputs");
        }
        if (!new HashSet<>(inputs).containsAll(gradients)) {
            throw new KilnException("compile request: gradients requested for " + gradients
                    + ", which are not all inputs " + inputs);
        }
        if (!new HashSet<>(inputs).containsAll(parameters)) {
            throw new KilnException("compile request: parameters " + new java.util.TreeSet<>(parameters)
                    + " are not all inputs " + inputs);
        }
    }

    /** This request for another graph over other inputs, with the same mode and options. */
    public CompileRequest withGraph(Graph newGraph, List<String> newInputs, List<Shape> newShapes,
                                    List<DType> newDtypes, Set<String> newParameters) {
        return new CompileRequest(newGraph, newInputs, newShapes, newDtypes, training, gradients, staticShapes,
                staticAlloc, numHeads, newParameters);
    }

    /** True when backward must be available. */
    public boolean needsGradients() {
        return !gradients.isEmpty();
    }
}
