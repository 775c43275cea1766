package dev.kiln.compiler.pass;

import dev.kiln.graph.Graph;

/**
 * One graph-to-graph transformation of the compiler ({@link PassPipeline} runs them in order). A pass returns a graph
 * that computes the same outputs (same count, same order) from the same variables, keeps the names of the nodes that
 * survive, and returns its input unchanged when it finds nothing to do.
 */
public interface Pass {
    /** The short name pipelines and {@code kiln.compiler.printAfter} use ({@code dce}, {@code cse}). */
    String name();

    /** The transformed graph. */
    Graph apply(Graph graph, PassContext ctx);
}
