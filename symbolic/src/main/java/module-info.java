/**
 * Symbols and the graph IR: {@code Symbol}, the immutable graph records, shape and type inference, graph
 * gradients, symbol JSON and graph summaries/plots. Every package is API.
 */
module dev.kiln.symbolic {
    requires transitive dev.kiln.imperative;
    requires com.fasterxml.jackson.core;

    exports dev.kiln.graph;
    exports dev.kiln.graph.gradient;
    exports dev.kiln.graph.infer;
    exports dev.kiln.graph.json;
    exports dev.kiln.graph.viz;
    exports dev.kiln.symbol;
}
