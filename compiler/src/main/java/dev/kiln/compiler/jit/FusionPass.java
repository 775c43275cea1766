package dev.kiln.compiler.jit;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
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
 * {@link ElementwiseFormula} for its float32 or float64 output and all its inputs have the output's shape and dtype.
 * Fusible nodes join the groups of the fusible nodes they read (same shape and dtype, same part of a gradient graph)
 * as long as no path leaves the group and comes back, which keeps the graph acyclic. A fused value read outside its
 * group (by another node, a graph output or the backward part) becomes an output of the group node, so nothing the
 * rest of the graph needs is lost. The group node takes the name of its last node; graph outputs keep their positions.
 * Groups of one node stay as they are. Nodes with side effects (random draws, in-place updates) keep their order: each
 * is treated as reading the previous one and the earlier readers of the inputs it updates in place, and their later
 * readers as reading it, for convexity and for the order of the rewritten graph, so a group never moves one draw past another
 * nor a read of a moving statistic across its update.
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
        private final List<List<Integer>> readers = new ArrayList<>();
        private final BitSet graphOutputs = new BitSet();
        /**
         * Per node, the nodes it must run after besides those it reads: a side-effecting node after the previous one,
         * and after the earlier readers of the inputs it updates in place ({@code OpDef.auxInputIndices}); their later
         * readers after it. These orderings count as reads for convexity too.
         */
        private final List<List<Integer>> runsAfter;
        /** Per node, its readers and the nodes {@link #runsAfter} orders after it: the edges convexity follows. */
        private final List<List<Integer>> successors = new ArrayList<>();
        private final int[] group;
        private final List<BitSet> members = new ArrayList<>();

        Analysis(Graph graph, InferenceResult<Shape> shapes, InferenceResult<DType> types, int numForwardNodes,
                 boolean staticShapes) {
            this.graph = graph;
            this.shapes = shapes;
            this.types = types;
            this.numForwardNodes = numForwardNodes;
            this.n = graph.size();
            this.formula = new ElementwiseFormula[n];
            this.group = new int[n];
            for (int i = 0; i < n; i++) {
                readers.add(new ArrayList<>());
                group[i] = -1;
                formula[i] = graph.node(i) instanceof OpNode op ? formulaOf(i, op, staticShapes) : null;
            }
            for (int i = 0; i < n; i++) {
                for (Entry e : graph.node(i).inputs()) {
                    readers.get(e.node()).add(i);
                }
            }
            this.runsAfter = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                runsAfter.add(new ArrayList<>());
            }
            List<int[]> order = new ArrayList<>();
            int previous = -1;
            for (int i = 0; i < n; i++) {
                if (graph.node(i) instanceof OpNode op && (op.op().hasSideEffects(op.params(), true)
                        || op.op().hasSideEffects(op.params(), false))) {
                    if (previous >= 0) {
                        order.add(new int[] {previous, i});
                    }
                    previous = i;
                    // the values it updates in place are read before or after it as in the original order
                    for (int k : op.op().auxInputIndices(op.params())) {
                        for (int m : readers.get(op.inputs().get(k).node())) {
                            if (m != i) {
                                order.add(m < i ? new int[] {m, i} : new int[] {i, m});
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                successors.add(new ArrayList<>(readers.get(i)));
            }
            for (int[] o : order) {
                runsAfter.get(o[1]).add(o[0]);
                successors.get(o[0]).add(o[1]);
            }
            for (Entry e : graph.outputs()) {
                graphOutputs.set(e.node());
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
            for (Entry e : op.inputs()) {
                if (!s.equals(shapes.entry(e)) || t != types.entry(e)) {
                    return null;
                }
            }
            ElementwiseFormula f = op.op().elementwiseFormula(op.params(), t);
            return f != null && f.arity() == op.inputs().size() ? f : null;
        }

        /** Assigns fusible nodes to groups, greedily in node order. */
        void group() {
            for (int i = 0; i < n; i++) {
                if (formula[i] == null) {
                    continue;
                }
                List<Integer> candidates = new ArrayList<>();
                for (Entry e : graph.node(i).inputs()) {
                    int g = group[e.node()];
                    if (g >= 0 && !candidates.contains(g) && compatible(e.node(), i)) {
                        candidates.add(g);
                    }
                }
                if (!joins(i, candidates)) {
                    candidates.sort((x, y) -> members.get(y).cardinality() - members.get(x).cardinality());
                    boolean joined = false;
                    for (int g : candidates) {
                        if (joins(i, List.of(g))) {
                            joined = true;
                            break;
                        }
                    }
                    if (!joined) {
                        BitSet single = new BitSet();
                        single.set(i);
                        group[i] = members.size();
                        members.add(single);
                    }
                }
            }
        }

        private boolean compatible(int producer, int consumer) {
            return shapes.entry(producer, 0).equals(shapes.entry(consumer, 0))
                    && types.entry(producer, 0) == types.entry(consumer, 0)
                    && (producer < numForwardNodes) == (consumer < numForwardNodes);
        }

        /** Merges node {@code i} and the groups {@code gs} into the first of them if the result stays convex. */
        private boolean joins(int i, List<Integer> gs) {
            if (gs.isEmpty()) {
                return false;
            }
            BitSet merged = new BitSet();
            merged.set(i);
            for (int g : gs) {
                merged.or(members.get(g));
            }
            if (merged.cardinality() > MAX_GROUP || !convex(merged)) {
                return false;
            }
            int target = gs.get(0);
            members.set(target, merged);
            for (int g : gs.subList(1, gs.size())) {
                members.set(g, new BitSet());
            }
            for (int m = merged.nextSetBit(0); m >= 0; m = merged.nextSetBit(m + 1)) {
                group[m] = target;
            }
            return true;
        }

        /** True if no path goes from a member through a non-member back to a member. */
        private boolean convex(BitSet s) {
            int last = s.length() - 1;
            BitSet seen = new BitSet();
            List<Integer> stack = new ArrayList<>();
            for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
                for (int r : successors.get(m)) {
                    if (!s.get(r) && r < last) {
                        stack.add(r);
                    }
                }
            }
            while (!stack.isEmpty()) {
                int x = stack.removeLast();
                if (seen.get(x)) {
                    continue;
                }
                seen.set(x);
                for (int r : successors.get(x)) {
                    if (s.get(r)) {
                        return false;
                    }
                    if (r < last && !seen.get(r)) {
                        stack.add(r);
                    }
                }
            }
            return true;
        }

        /** The graph with each group of two or more nodes replaced by one fused node. */
        Result rewrite() {
            List<BitSet> units = new ArrayList<>();
            int[] unitOf = new int[n];
            for (int i = 0; i < n; i++) {
                int g = group[i];
                if (g >= 0 && members.get(g).cardinality() > 1) {
                    if (members.get(g).nextSetBit(0) == i) {
                        units.add(members.get(g));
                    }
                } else {
                    BitSet single = new BitSet();
                    single.set(i);
                    units.add(single);
                }
            }
            for (int u = 0; u < units.size(); u++) {
                BitSet s = units.get(u);
                for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
                    unitOf[m] = u;
                }
            }
            List<Node> nodes = new ArrayList<>();
            Entry[] remap = new Entry[n];
            int forward = 0;
            int groups = 0;
            for (int u : UnitOrder.of(units, unitOf, graph, runsAfter)) {
                BitSet s = units.get(u);
                int first = s.nextSetBit(0);
                if (s.cardinality() == 1) {
                    nodes.add(copy(graph.node(first), remap));
                    remap[first] = new Entry(nodes.size() - 1, 0);
                } else {
                    nodes.add(fuse(s, remap, nodes.size()));
                    groups++;
                }
                if (first < numForwardNodes) {
                    forward++;
                }
            }
            List<Entry> outputs = new ArrayList<>();
            for (Entry e : graph.outputs()) {
                outputs.add(remapped(e, remap));
            }
            return new Result(new Graph(nodes, outputs), forward, groups);
        }

        private static Entry remapped(Entry e, Entry[] remap) {
            Entry r = remap[e.node()];
            return e.output() == 0 ? r : new Entry(r.node(), r.output() + e.output());
        }

        private static Node copy(Node node, Entry[] remap) {
            if (node instanceof OpNode op) {
                List<Entry> in = new ArrayList<>();
                for (Entry e : op.inputs()) {
                    in.add(remapped(e, remap));
                }
                return op.withInputs(in);
            }
            return (Variable) node;
        }

        /** The fused node of group {@code s}, placed at {@code index}; records where its outputs went. */
        private OpNode fuse(BitSet s, Entry[] remap, int index) {
            Map<Entry, Integer> inputs = new LinkedHashMap<>();
            for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
                for (Entry e : graph.node(m).inputs()) {
                    if (!s.get(e.node())) {
                        inputs.putIfAbsent(e, inputs.size());
                    }
                }
            }
            int numInputs = inputs.size();
            Map<Integer, Integer> valueOf = new LinkedHashMap<>();
            List<FusedExpression.Step> steps = new ArrayList<>();
            List<Integer> outs = new ArrayList<>();
            int last = s.length() - 1;
            for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
                List<Integer> operands = new ArrayList<>();
                for (Entry e : graph.node(m).inputs()) {
                    operands.add(s.get(e.node()) ? valueOf.get(e.node()) : inputs.get(e));
                }
                valueOf.put(m, numInputs + steps.size());
                steps.add(new FusedExpression.Step(graph.node(m).name(), formula[m], operands));
                if (readOutside(m, s)) {
                    remap[m] = new Entry(index, outs.size());
                    outs.add(numInputs + steps.size() - 1);
                }
            }
            List<Entry> in = new ArrayList<>();
            for (Entry e : inputs.keySet()) {
                in.add(remapped(e, remap));
            }
            FusedExpression expr = new FusedExpression(types.entry(last, 0), numInputs, steps, outs);
            FusedElementwiseOp op = new FusedElementwiseOp(expr);
            OpNode lastNode = (OpNode) graph.node(last);
            return new OpNode(lastNode.name(), op, op.defaultAttrs(), in, lastNode.attrs());
        }

        /** True if something outside the group reads node {@code m}, or nothing reads it at all. */
        private boolean readOutside(int m, BitSet s) {
            if (graphOutputs.get(m) || readers.get(m).isEmpty()) {
                return true;
            }
            for (int r : readers.get(m)) {
                if (!s.get(r)) {
                    return true;
                }
            }
            return false;
        }
    }
}
