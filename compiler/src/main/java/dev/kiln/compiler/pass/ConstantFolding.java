package dev.kiln.compiler.pass;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * {@code fold}: computes once, with the reference {@link Interpreter}, every op node whose inputs are all constant
 * (ops without inputs such as {@code _zeros}, {@code _full}, {@code _arange}; variables the context gives values for;
 * earlier constants), and puts a {@link ConstantOp} node holding the result, under the folded node's name, where a
 * non-constant node reads it; constant nodes read only by other constants disappear. Random and side-effecting nodes
 * are never folded, nor nodes that are graph outputs (an output stays an array computed per run) or whose value an op
 * updates in place. A node whose evaluation fails stays, so the failure is reported when the graph runs.
 */
final class ConstantFolding implements Pass {
    @Override
    public String name() {
        return "fold";
    }

    @Override
    public Graph apply(Graph graph, PassContext ctx) {
        int n = graph.size();
        BitSet updatedInPlace = updatedInPlace(graph, ctx.training());
        GraphRewriter r = new GraphRewriter(graph);
        NDArray[][] values = new NDArray[n][];
        BitSet foldable = new BitSet(n);
        boolean wasRecording = OpContext.setRecording(false);
        try {
            for (int i = 0; i < n; i++) {
                Node node = graph.node(i);
                if (node instanceof Variable v) {
                    NDArray value = ctx.constants().get(v.name());
                    values[i] = value == null ? null : new NDArray[] {value};
                } else if (node instanceof OpNode op && isPure(op, ctx.training()) && allKnown(op, values)) {
                    values[i] = evaluate(graph, i, values, ctx);
                    if (values[i] != null && !(op.op() instanceof ConstantOp) && !r.isOutputNode(i)
                            && !updatedInPlace.get(i)) {
                        foldable.set(i);
                    }
                }
            }
        } finally {
            OpContext.setRecording(wasRecording);
        }
        if (foldable.isEmpty()) {
            return graph;
        }
        BitSet readByOthers = readByNonFoldable(graph, foldable);
        for (int i = 0; i < n; i++) {
            if (!foldable.get(i)) {
                r.keep(i);
            } else if (readByOthers.get(i)) {
                r.put(i, ConstantOp.node(graph.node(i).name(), Arrays.asList(values[i])));
            }
        }
        return r.build();
    }

    private static boolean isPure(OpNode op, boolean training) {
        OpDef def = op.op();
        return !def.isRandom(op.params(), training) && !def.hasSideEffects(op.params(), training);
    }

    private static boolean allKnown(OpNode op, NDArray[][] values) {
        for (Entry e : op.inputs()) {
            if (values[e.node()] == null) {
                return false;
            }
        }
        return true;
    }

    /** Node {@code i}'s outputs, its inputs' rows being filled; {@code null} if its kernel refuses them. */
    private static NDArray[] evaluate(Graph graph, int i, NDArray[][] values, PassContext ctx) {
        try {
            Interpreter.runNodes(graph, values, ctx.constants(), ctx.training(), i, i + 1, (int[]) null);
            return values[i];
        } catch (KilnException e) {
            values[i] = null;
            return null;
        }
    }

    /** Nodes whose value some side-effecting op reads as an auxiliary state, which it may update in place. */
    private static BitSet updatedInPlace(Graph graph, boolean training) {
        BitSet out = new BitSet(graph.size());
        for (Node node : graph.nodes()) {
            if (node instanceof OpNode op && op.op().hasSideEffects(op.params(), training)) {
                List<Integer> aux = op.op().auxInputIndices(op.params());
                for (int k : aux) {
                    out.set(op.inputs().get(k).node());
                }
            }
        }
        return out;
    }

    /** Foldable nodes that a node which stays reads: where constants must appear. */
    private static BitSet readByNonFoldable(Graph graph, BitSet foldable) {
        BitSet out = new BitSet(graph.size());
        for (int j = 0; j < graph.size(); j++) {
            if (!foldable.get(j)) {
                for (Entry e : graph.node(j).inputs()) {
                    if (foldable.get(e.node())) {
                        out.set(e.node());
                    }
                }
            }
        }
        return out;
    }
}
