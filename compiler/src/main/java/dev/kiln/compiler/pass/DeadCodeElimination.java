package dev.kiln.compiler.pass;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;

import java.util.BitSet;

/**
 * {@code dce}: removes op nodes whose outputs nothing reads, neither a graph output nor a live node. Variables stay
 * (they are the graph's signature), and so does every node with side effects in the context's mode
 * ({@code OpDef.hasSideEffects}: BatchNorm moving its statistics in training, random ops advancing the generator),
 * with what it reads.
 */
final class DeadCodeElimination implements Pass {
    @Override
    public String name() {
        return "dce";
    }

    @Override
    public Graph apply(Graph graph, PassContext ctx) {
        BitSet live = new BitSet(graph.size());
        for (Entry e : graph.outputs()) {
            live.set(e.node());
        }
        for (int i = graph.size() - 1; i >= 0; i--) {
            Node n = graph.node(i);
            boolean acts = n instanceof OpNode op && op.op().hasSideEffects(op.params(), ctx.training());
            if (n instanceof Variable || acts) {
                live.set(i);
            }
            if (live.get(i)) {
                for (Entry e : n.inputs()) {
                    live.set(e.node());
                }
            }
        }
        if (live.cardinality() == graph.size()) {
            return graph;
        }
        GraphRewriter r = new GraphRewriter(graph);
        for (int i = live.nextSetBit(0); i >= 0; i = live.nextSetBit(i + 1)) {
            r.keep(i);
        }
        return r.build();
    }
}
