package dev.kiln.compiler.pass;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code cse}: op nodes applying the same op with the same attributes and annotations to the same inputs become one,
 * the first; readers of the others read it. Nodes that are random or have side effects in the context's mode
 * ({@code OpDef.isRandom}, {@code OpDef.hasSideEffects}: Dropout in training, samplers, BatchNorm in training) are
 * never merged, since two of them differ or act twice. Two graph outputs are not merged into one, so outputs stay
 * distinct arrays. A graph a gradient will be built from ({@link PassContext#differentiated()}) is left alone: the
 * gradient of one merged node sums its readers' head gradients before the chain rule, where the graph as traced sums
 * after it, which rounds differently; the pipeline on the forward and backward graph together merges what the forward
 * computes twice without that change.
 */
final class CommonSubexpressionElimination implements Pass {
    @Override
    public String name() {
        return "cse";
    }

    @Override
    public Graph apply(Graph graph, PassContext ctx) {
        if (ctx.differentiated()) {
            return graph;
        }
        int[] vn = graph.valueNumbers(i -> graph.node(i) instanceof OpNode op && !mergeable(op, ctx.training()));
        GraphRewriter r = new GraphRewriter(graph);
        Map<Integer, Integer> first = new HashMap<>();
        boolean merged = false;
        for (int i = 0; i < graph.size(); i++) {
            Integer same = graph.node(i) instanceof OpNode ? first.putIfAbsent(vn[i], i) : null;
            if (same != null && r.mayForward(i, r.map(new Entry(same, 0)))) {
                Entry[] targets = new Entry[graph.node(i).numOutputs()];
                for (int k = 0; k < targets.length; k++) {
                    targets[k] = r.map(new Entry(same, k));
                }
                r.forward(i, targets);
                merged = true;
            } else {
                r.keep(i);
            }
        }
        return merged ? r.build() : graph;
    }

    private static boolean mergeable(OpNode op, boolean training) {
        return !op.op().isRandom(op.params(), training) && !op.op().hasSideEffects(op.params(), training);
    }
}
