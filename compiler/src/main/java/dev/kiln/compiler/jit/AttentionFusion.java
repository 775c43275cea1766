package dev.kiln.compiler.jit;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Fuses scaled dot-product attention into one {@link AttentionOp}: a {@link HeadsBatchDotOp} computing
 * {@code Q K^T} into plain (matrices, queries, keys) scores, read only by a {@link FusedRowOp} whose one input is
 * those scores and whose one output is a vector along the keys (the scaling and softmax, as {@link RowFusionPass}
 * groups them), read only by a {@link HeadsBatchDotOp} multiplying it, untransposed and plain, by V. Runs on the
 * lowered graph (after the JIT attached the row group's kernels), forward part only; in a training graph the
 * backward part reads the probabilities, so nothing fuses there.
 */
final class AttentionFusion {
    private AttentionFusion() {
    }

    /** Fuses the attentions in the first {@code numForwardNodes} nodes of {@code graph}. */
    static FusionPass.Result apply(Graph graph, int numForwardNodes) {
        GroupRewrite rewrite = new GroupRewrite(graph);
        List<BitSet> groups = new ArrayList<>();
        for (int i = 0; i < numForwardNodes; i++) {
            BitSet g = match(graph, rewrite, i, numForwardNodes);
            if (g != null) {
                groups.add(g);
            }
        }
        if (groups.isEmpty()) {
            return new FusionPass.Result(graph, numForwardNodes, 0);
        }
        GroupRewrite.Result r = rewrite.rewrite(groups, numForwardNodes, (members, inputs, outputs) -> {
            int scores = members.nextSetBit(0);
            int rows = members.nextSetBit(scores + 1);
            OpNode s = (OpNode) graph.node(scores);
            OpNode c = (OpNode) graph.node(members.nextSetBit(rows + 1));
            List<Entry> roles = List.of(s.inputs().get(0), s.inputs().get(1), c.inputs().get(1));
            AttentionOp op = new AttentionOp(c.name(), (HeadsBatchDotOp) s.op(),
                    (FusedRowOp) ((OpNode) graph.node(rows)).op(), (HeadsBatchDotOp) c.op(),
                    roles.stream().mapToInt(inputs::indexOf).toArray());
            return new OpNode(c.name(), op, op.defaultAttrs(), inputs, c.attrs());
        });
        return new FusionPass.Result(r.graph(), r.numForwardNodes(), r.groups());
    }

    /** The scores, row group and context nodes of the attention whose scores node {@code i} is, or null. */
    private static BitSet match(Graph graph, GroupRewrite rewrite, int i, int forward) {
        if (!(graph.node(i) instanceof OpNode s) || !(s.op() instanceof HeadsBatchDotOp qk) || qk.transA()
                || !qk.transB() || qk.headsOut() != 0) {
            return null;
        }
        int r = onlyReader(rewrite, i, forward);
        if (r < 0 || !(graph.node(r) instanceof OpNode rowNode) || !(rowNode.op() instanceof FusedRowOp rows)
                || !softmaxLike(rows.program())) {
            return null;
        }
        int c = onlyReader(rewrite, r, forward);
        if (c < 0 || !(graph.node(c) instanceof OpNode ctxNode) || !(ctxNode.op() instanceof HeadsBatchDotOp pv)
                || pv.transA() || pv.transB() || pv.headsA() != 0 || ctxNode.inputs().get(0).node() != r
                || ctxNode.inputs().get(1).node() == r) {
            return null;
        }
        BitSet g = new BitSet();
        g.set(i);
        g.set(r);
        g.set(c);
        return rewrite.convex(g) ? g : null;
    }

    /** A float32 row group over rank-3 scores along their last axis, one vector in and one vector out. */
    private static boolean softmaxLike(RowProgram p) {
        Shape s = p.shape();
        return p.dtype() == DType.FLOAT32 && s.rank() == 3 && p.axis() == 2 && p.numInputs() == 1
                && p.kinds().getFirst() == RowProgram.Kind.VECTOR && p.outputs().size() == 1
                && p.kinds().get(p.outputs().getFirst()) == RowProgram.Kind.VECTOR
                && p.stages().stream().anyMatch(st -> st instanceof RowProgram.Softmax);
    }

    /** The only reader of node {@code i}'s output (the node has one output), in the forward part; else -1. */
    private static int onlyReader(GroupRewrite rewrite, int i, int forward) {
        List<Integer> r = rewrite.readers(i);
        if (r.size() != 1 || rewrite.isGraphOutput(i) || r.getFirst() >= forward) {
            return -1;
        }
        return r.getFirst();
    }
}
