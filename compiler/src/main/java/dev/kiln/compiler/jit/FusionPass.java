package dev.kiln.compiler.jit;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.elementwise.BinaryOp;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses elementwise nodes into {@link FusedElementwiseOp} nodes. A node is fusible when its op gives an
 * {@link ElementwiseFormula} for its float32 or float64 output and all its inputs have the output's dtype and shape,
 * or, for a {@code broadcast_*} op with static shapes, a shape that broadcasts to the output's (the group then reads
 * that input per row, {@link BroadcastLayout}).
 * Fusible nodes join the groups of the fusible nodes they read (same shape and dtype, same part of a gradient graph)
 * as long as no path leaves the group and comes back, which keeps the graph acyclic. A fused value read outside its
 * group (by another node, a graph output or the backward part) becomes an output of the group node, so nothing the
 * rest of the graph needs is lost. The group node takes the name of its last node; graph outputs keep their positions.
 * Groups of one node stay as they are.
 */
public final class FusionPass {
    /** The most nodes one group takes, so a generated loop stays a method HotSpot compiles well. */
    static final int MAX_GROUP = 200;

    private FusionPass() {
    }

    /**
     * A fused graph.
     *
     * @param graph           the graph with fused nodes
     * @param numForwardNodes how many leading nodes belong to the forward part (all of them without a backward)
     * @param groups          how many fused nodes were made
     */
    public record Result(Graph graph, int numForwardNodes, int groups) {
    }

    /** Fuses a forward graph whose variables have these shapes and dtypes; shapes are taken as static. */
    public static Graph apply(Graph graph, Map<String, Shape> shapes, Map<String, DType> types) {
        return apply(graph, graph.size(), shapes, types, true).graph();
    }

    /**
     * Fuses a graph whose first {@code numForwardNodes} nodes are a forward part run separately from the rest (a
     * gradient graph): no group spans both parts and the forward part stays first. With {@code staticShapes} false
     * the graph must serve other shapes of the same ranks, so ops that could broadcast are not fused.
     */
    public static Result apply(Graph graph, int numForwardNodes, Map<String, Shape> shapes, Map<String, DType> types,
                               boolean staticShapes) {
        Analysis a = new Analysis(graph, ShapeInference.infer(graph, shapes), TypeInference.infer(graph, types),
                numForwardNodes, staticShapes);
        a.group();
        return a.rewrite();
    }

    /** The grouping of one graph and its rewrite. */
    private static final class Analysis {
        private final Graph graph;
        private final InferenceResult<Shape> shapes;
        private final InferenceResult<DType> types;
        private final int numForwardNodes;
        private final int n;
        private final ElementwiseFormula[] formula;
        private final GroupRewrite rewrite;
        private List<BitSet> members = List.of();

        Analysis(Graph graph, InferenceResult<Shape> shapes, InferenceResult<DType> types, int numForwardNodes,
                 boolean staticShapes) {
            this.graph = graph;
            this.shapes = shapes;
            this.types = types;
            this.numForwardNodes = numForwardNodes;
            this.n = graph.size();
            this.formula = new ElementwiseFormula[n];
            this.rewrite = new GroupRewrite(graph);
            for (int i = 0; i < n; i++) {
                formula[i] = graph.node(i) instanceof OpNode op ? formulaOf(i, op, staticShapes) : null;
            }
        }

        private ElementwiseFormula formulaOf(int i, OpNode op, boolean staticShapes) {
            if (op.numOutputs() != 1 || op.op() instanceof FusedElementwiseOp
                    || !staticShapes && op.op() instanceof BinaryOp b && b.isBroadcasting()) {
                return null;
            }
            Shape s = shapes.entry(i, 0);
            DType t = types.entry(i, 0);
            if (s == null || !s.isKnown() || t == null) {
                return null;
            }
            boolean broadcasting = op.op() instanceof BinaryOp b && b.isBroadcasting();
            for (Entry e : op.inputs()) {
                Shape in = shapes.entry(e);
                if (t != types.entry(e) || in == null
                        || !s.equals(in) && !(broadcasting && in.isKnown() && in.broadcastsTo(s))) {
                    return null;
                }
            }
            ElementwiseFormula f = op.op().elementwiseFormula(op.params(), t);
            return f != null && f.arity() == op.inputs().size() ? f : null;
        }

        /** Assigns fusible nodes to groups, greedily in node order. */
        void group() {
            members = rewrite.groupGreedily(i -> formula[i] != null, this::compatible, MAX_GROUP);
        }

        private boolean compatible(int producer, int consumer) {
            return shapes.entry(producer, 0).equals(shapes.entry(consumer, 0))
                    && types.entry(producer, 0) == types.entry(consumer, 0)
                    && (producer < numForwardNodes) == (consumer < numForwardNodes);
        }

        /** The graph with each group of two or more nodes replaced by one fused node. */
        Result rewrite() {
            List<BitSet> groups = new ArrayList<>();
            for (BitSet m : members) {
                if (m.cardinality() > 1) {
                    groups.add(m);
                }
            }
            GroupRewrite.Result r = rewrite.rewrite(groups, numForwardNodes, this::fuse);
            return new Result(r.graph(), r.numForwardNodes(), r.groups());
        }

        /** The fused node of group {@code s} reading {@code inputs} and writing the values of {@code outputs}. */
        private OpNode fuse(BitSet s, List<Entry> inputs, List<Integer> outputs) {
            int numInputs = inputs.size();
            Map<Integer, Integer> valueOf = new LinkedHashMap<>();
            List<FusedExpression.Step> steps = new ArrayList<>();
            int last = s.length() - 1;
            for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
                List<Integer> operands = new ArrayList<>();
                for (Entry e : graph.node(m).inputs()) {
                    operands.add(s.get(e.node()) ? valueOf.get(e.node()) : inputs.indexOf(e));
                }
                valueOf.put(m, numInputs + steps.size());
                steps.add(new FusedExpression.Step(graph.node(m).name(), formula[m], operands));
            }
            List<Integer> outs = new ArrayList<>();
            for (int m : outputs) {
                outs.add(valueOf.get(m));
            }
            List<Shape> inputShapes = new ArrayList<>();
            for (Entry e : inputs) {
                inputShapes.add(shapes.entry(e));
            }
            FusedExpression expr = new FusedExpression(types.entry(last, 0), numInputs, steps, outs,
                    BroadcastLayout.accesses(inputShapes, shapes.entry(last, 0)));
            FusedElementwiseOp op = new FusedElementwiseOp(expr);
            OpNode lastNode = (OpNode) graph.node(last);
            return new OpNode(lastNode.name(), op, op.defaultAttrs(), inputs, lastNode.attrs());
        }
    }
}
