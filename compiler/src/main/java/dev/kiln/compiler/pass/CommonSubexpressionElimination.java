package dev.kiln.compiler.pass;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cse}: op nodes applying the same op with the same attributes and annotations to the same inputs become one,
 * the first; readers of the others read it. Nodes that are random or have side effects in the context's mode
 * ({@code OpDef.isRandom}, {@code OpDef.hasSideEffects}: Dropout in training, samplers, BatchNorm in training) are
 * never merged, since two of them differ or act twice. Two graph outputs are not merged into one, so outputs stay
 * distinct arrays.
 */
final class CommonSubexpressionElimination implements Pass {
    @Override
    public String name() {
        return "cse";
    }

    @Override
    public Graph apply(Graph graph, PassContext ctx) {
        GraphRewriter r = new GraphRewriter(graph);
        Map<List<Object>, Integer> first = new HashMap<>();
        int[] rep = new int[graph.size()];
        boolean merged = false;
        for (int i = 0; i < graph.size(); i++) {
            rep[i] = i;
            if (!(graph.node(i) instanceof OpNode op) || !mergeable(op, ctx.training())) {
                r.keep(i);
                continue;
            }
            List<Object> key = new ArrayList<>();
            key.add(op.op());
            key.add(op.params());
            key.add(op.attrs());
            for (Entry e : op.inputs()) {
                key.add(rep[e.node()]);
                key.add(e.output());
            }
            Integer same = first.get(key);
            if (same != null && r.mayForward(i, r.map(new Entry(same, 0)))) {
                rep[i] = same;
                Entry[] targets = new Entry[op.numOutputs()];
                for (int k = 0; k < targets.length; k++) {
                    targets[k] = r.map(new Entry(same, k));
                }
                r.forward(i, targets);
                merged = true;
            } else {
                first.putIfAbsent(key, i);
                r.keep(i);
            }
        }
        return merged ? r.build() : graph;
    }

    private static boolean mergeable(OpNode op, boolean training) {
        return !op.op().isRandom(op.params(), training) && !op.op().hasSideEffects(op.params(), training);
    }
}
