package dev.kiln.compiler;

import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.Map;

/**
 * A rewrite of the graph a compiled graph runs node by node ({@link InterpreterBackend#interpret}): the forward graph,
 * or a gradient graph whose leading nodes are the forward part. The rewrite keeps the graph's variables (names
 * included), its outputs in their positions, and the forward part first; the JIT uses it to fuse nodes.
 */
@FunctionalInterface
public interface GraphLowering {
    /**
     * The graph to run instead of {@code graph}.
     *
     * @param graph           the forward graph or the forward-and-backward gradient graph
     * @param numForwardNodes how many leading nodes the forward run computes (the rest run in backward)
     * @param shapes          every variable's shape in the compiling call, head-gradient variables included
     * @param types           every variable's dtype in the compiling call
     * @param request         the request being compiled (training mode, static shapes)
     */
    Lowered lower(Graph graph, int numForwardNodes, Map<String, Shape> shapes, Map<String, DType> types,
                  CompileRequest request);

    /** A rewritten graph and how many of its leading nodes are the forward part. */
    record Lowered(Graph graph, int numForwardNodes) {
    }
}
