package dev.kiln.compiler.pass;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;

import java.util.BitSet;
import java.util.Set;

/**
 * A forward and backward graph ordered for two-phase execution: the nodes the forward run needs first, then the
 * rest, which run when backward is called. After passes on a combined graph ({@code GraphGradient}'s), the forward
 * nodes are no longer a known prefix: common subexpressions and folding mix the two parts. The forward part is
 * recomputed: the forward outputs, every variable but the head gradients, and every random or side-effecting node
 * that does not read a head gradient, with everything they read. Both parts keep their relative order, so the
 * result is still topological and random draws keep their order.
 *
 * @param graph           the reordered graph (same outputs)
 * @param numForwardNodes how many leading nodes the forward run executes
 */
public record ForwardSplit(Graph graph, int numForwardNodes) {

    /**
     * Splits {@code graph}, whose first {@code numForwardOutputs} outputs are the forward's and whose variables named
     * in {@code headGradients} receive the head gradients when backward is called.
     */
    public static ForwardSplit of(Graph graph, int numForwardOutputs, Set<String> headGradients, boolean training) {
        int n = graph.size();
        BitSet readsHead = new BitSet(n);
        for (int i = 0; i < n; i++) {
            Node node = graph.node(i);
            if (node instanceof Variable v && headGradients.contains(v.name())) {
                readsHead.set(i);
            }
            for (Entry e : node.inputs()) {
                if (readsHead.get(e.node())) {
                    readsHead.set(i);
                }
            }
        }
        BitSet forward = new BitSet(n);
        for (Entry e : graph.outputs().subList(0, numForwardOutputs)) {
            forward.set(e.node());
        }
        for (int i = n - 1; i >= 0; i--) {
            Node node = graph.node(i);
            boolean root = node instanceof Variable && !readsHead.get(i) || node instanceof OpNode op
                    && !readsHead.get(i) && (op.op().hasSideEffects(op.params(), training)
                    || op.op().isRandom(op.params(), training));
            if (root) {
                forward.set(i);
            }
            if (forward.get(i)) {
                for (Entry e : node.inputs()) {
                    forward.set(e.node());
                }
            }
        }
        if (forward.intersects(readsHead)) {
            throw new IllegalStateException("the forward outputs of the gradient graph read a head gradient");
        }
        int numForward = forward.cardinality();
        if (forward.nextClearBit(0) == numForward) {
            return new ForwardSplit(graph, numForward);
        }
        GraphRewriter r = new GraphRewriter(graph);
        for (int i = forward.nextSetBit(0); i >= 0; i = forward.nextSetBit(i + 1)) {
            r.keep(i);
        }
        for (int i = forward.nextClearBit(0); i < n; i = forward.nextClearBit(i + 1)) {
            r.keep(i);
        }
        return new ForwardSplit(r.build(), numForward);
    }
}
