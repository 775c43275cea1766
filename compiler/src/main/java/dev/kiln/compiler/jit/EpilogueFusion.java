package dev.kiln.compiler.jit;

import dev.kiln.compiler.CompileRequest;
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
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.EpilogueOp;
import dev.kiln.op.PooledOutputOp;
import dev.kiln.op.elementwise.BinaryOp;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses the elementwise chain that reads a FullyConnected or Convolution output into that node as an epilogue
 * ({@link FusedEpilogueOp}): relu, sigmoid, tanh, {@code Activation}, {@code LeakyReLU} (GELU included), scalar
 * arithmetic, elementwise ops with operands of the result's shape, and {@code broadcast_*} ops with a bias vector
 * along the output's last axis (FullyConnected) or channel axis (Convolution), every step through its op's
 * {@link ElementwiseFormula}. The chain grows while its current value has exactly one reader in the forward part and
 * that reader qualifies (one output, the result's shape and dtype); a FullyConnected or Convolution output with a
 * second forward reader is left alone. Values the backward part or the graph outputs still read (the pre-activation
 * a gradient needs, say) stay available as extra outputs of the fused node, so training graphs fuse their forward
 * part too. Runs before {@link FusionPass}, which then leaves fused nodes alone. In inference, a node whose weight is a
 * fixed parameter is wrapped even with no chain, so that it keeps what it derives from the weight (the packed panels
 * of a FullyConnected weight, Winograd's filters) instead of deriving it again on every call.
 */
public final class EpilogueFusion {
    /** The system property that, set to {@code false}, turns epilogue fusion off in the JIT (for comparisons). */
    public static final String ENABLED_PROPERTY = "kiln.compiler.epilogue";

    /** The most steps one epilogue takes. */
    static final int MAX_STEPS = 64;

    private EpilogueFusion() {
    }

    /**
     * A graph with epilogues fused.
     *
     * @param graph           the rewritten graph
     * @param numForwardNodes how many leading nodes are the forward part
     * @param fused           how many fused nodes were made
     */
    public record Result(Graph graph, int numForwardNodes, int fused) {
    }

    /** Fuses a forward graph whose variables have these shapes and dtypes; shapes are taken as static. */
    public static Graph apply(Graph graph, Map<String, Shape> shapes, Map<String, DType> types) {
        return apply(graph, graph.size(), shapes, types, true).graph();
    }

    /**
     * Fuses the forward part (the first {@code numForwardNodes} nodes) of {@code graph}. Without static shapes the
     * graph must serve other shapes of the same ranks, so broadcasting ops do not join an epilogue.
     */
    public static Result apply(Graph graph, int numForwardNodes, Map<String, Shape> shapes, Map<String, DType> types,
                               boolean staticShapes) {
        return apply(graph, numForwardNodes, shapes, types, staticShapes, Set.of());
    }

    /**
     * {@link #apply(Graph, int, Map, Map, boolean)} where the variables named in {@code fixedWeights} change only
     * through counted writes from call to call (an inference request's parameters): a fused convolution whose weight
     * is one of them keeps what it derives from it ({@link DerivedWeights}, Winograd's transformed filters).
     */
    public static Result apply(Graph graph, int numForwardNodes, Map<String, Shape> shapes, Map<String, DType> types,
                               boolean staticShapes, Set<String> fixedWeights) {
        return new Rewrite(graph, numForwardNodes, ShapeInference.infer(graph, shapes),
                TypeInference.infer(graph, types), staticShapes, fixedWeights).run();
    }

    /** The JIT's step: {@link #apply}, unless {@link #ENABLED_PROPERTY} is {@code false}. */
    static Result lower(Graph graph, int numForwardNodes, Map<String, Shape> shapes, Map<String, DType> types,
                        CompileRequest request) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY))) {
            return new Result(graph, numForwardNodes, 0);
        }
        boolean inference = !request.training() && !request.needsGradients();
        return apply(graph, numForwardNodes, shapes, types, request.staticShapes(),
                inference ? request.parameters() : Set.of());
    }

    /**
     * One chain: the base node, its epilogue nodes in order, the axis its vector operands run along, and the Pooling
     * node its images go through ({@code -1} for none).
     */
    private record Chain(int base, List<Integer> steps, int axis, int pool) {
        /** The node whose value the chain ends with: the base itself for an empty chain. */
        int last() {
            return pool >= 0 ? pool : steps.isEmpty() ? base : steps.getLast();
        }
    }

    private static final class Rewrite {
        private final Graph graph;
        private final int numForwardNodes;
        private final InferenceResult<Shape> shapes;
        private final InferenceResult<DType> types;
        private final boolean staticShapes;
        private final Set<String> fixedWeights;
        private final List<List<Integer>> readers = new ArrayList<>();
        private final BitSet graphOutputs = new BitSet();

        Rewrite(Graph graph, int numForwardNodes, InferenceResult<Shape> shapes, InferenceResult<DType> types,
                boolean staticShapes, Set<String> fixedWeights) {
            this.graph = graph;
            this.numForwardNodes = numForwardNodes;
            this.shapes = shapes;
            this.types = types;
            this.staticShapes = staticShapes;
            this.fixedWeights = fixedWeights;
            for (int i = 0; i < graph.size(); i++) {
                readers.add(new ArrayList<>());
            }
            for (int i = 0; i < graph.size(); i++) {
                for (Entry e : graph.node(i).inputs()) {
                    if (!readers.get(e.node()).contains(i)) {
                        readers.get(e.node()).add(i);
                    }
                }
            }
            for (Entry e : graph.outputs()) {
                graphOutputs.set(e.node());
            }
        }

        Result run() {
            Map<Integer, Chain> byLast = new HashMap<>();
            BitSet removed = new BitSet();
            for (int i = 0; i < numForwardNodes; i++) {
                Chain c = chainFrom(i, removed);
                if (c != null) {
                    byLast.put(c.last(), c);
                    removed.set(c.base());
                    c.steps().forEach(removed::set);
                }
            }
            if (byLast.isEmpty()) {
                return new Result(graph, numForwardNodes, 0);
            }
            Entry[] remap = new Entry[graph.size()];
            List<Node> nodes = new ArrayList<>();
            int forward = 0;
            for (int i = 0; i < graph.size(); i++) {
                Chain c = byLast.get(i);
                if (c != null) {
                    nodes.add(fuse(c, remap, nodes.size()));
                } else if (!removed.get(i)) {
                    Node n = graph.node(i);
                    nodes.add(n instanceof OpNode op ? op.withInputs(remapped(op.inputs(), remap)) : n);
                    remap[i] = new Entry(nodes.size() - 1, 0);
                } else {
                    continue;
                }
                if (i < numForwardNodes) {
                    forward++;
                }
            }
            return new Result(new Graph(nodes, remapped(graph.outputs(), remap)), forward, byLast.size());
        }

        /**
         * The chain with base node {@code i}, or null if {@code i} is no FullyConnected/Convolution with one. A node
         * another chain has {@code claimed} ends it (two products added, say: the first one's chain takes the sum).
         */
        private Chain chainFrom(int i, BitSet claimed) {
            if (!(graph.node(i) instanceof OpNode op) || !(op.op() instanceof EpilogueOp e) || op.numOutputs() != 1) {
                return null;
            }
            Shape s = shapes.entry(i, 0);
            DType t = types.entry(i, 0);
            if (s == null || !s.isKnown() || t == null || !ElementwiseFormula.covers(t)
                    || !e.acceptsEpilogue(op.params(), t)) {
                return null;
            }
            int axis = op.op().name().equals("Convolution") ? 1 : s.rank() - 1;
            List<Integer> steps = new ArrayList<>();
            int cur = i;
            while (steps.size() < MAX_STEPS) {
                Integer next = soleForwardReader(cur);
                if (next == null || claimed.get(next) || !joins(next, cur, s, t, axis)) {
                    break;
                }
                steps.add(next);
                cur = next;
            }
            int pool = pooling(i, steps, cur, t, claimed);
            // without a chain the node is still wrapped when it can keep what it derives from a fixed weight
            return steps.isEmpty() && pool < 0 && !fixedWeight(op) ? null : new Chain(i, steps, axis, pool);
        }

        /**
         * The Pooling node that alone reads chain value {@code cur} of the Convolution {@code base} and its
         * {@code steps}, to be pooled image by image ({@link PooledOutputOp#poolsEachImage}), or {@code -1}: none
         * reads it alone, or a value of the chain is read outside it (a training graph's backward part, a graph
         * output), or a step reads an operand.
         */
        private int pooling(int base, List<Integer> steps, int cur, DType t, BitSet claimed) {
            OpNode conv = (OpNode) graph.node(base);
            Integer r = soleForwardReader(cur);
            if (!(conv.op() instanceof PooledOutputOp pooled) || !conv.op().name().equals("Convolution") || r == null
                    || claimed.get(r) || !(graph.node(r) instanceof OpNode pool) || !pool.op().name().equals("Pooling")
                    || pool.numOutputs() != 1 || !pool.inputs().getFirst().equals(new Entry(cur, 0))
                    || types.entry(r, 0) != t) {
                return -1;
            }
            List<Integer> chain = new ArrayList<>(steps);
            chain.addFirst(base);
            chain.add(r);
            for (int k = 0; k + 1 < chain.size(); k++) {
                if (readOutside(chain.get(k), chain.get(k + 1))) {
                    return -1;
                }
            }
            for (int m : steps) {
                for (Entry e : graph.node(m).inputs()) {
                    if (!chain.contains(e.node())) {
                        return -1;
                    }
                }
            }
            List<Shape> in = conv.inputs().stream().map(shapes::entry).toList();
            return in.stream().allMatch(x -> x != null && x.isKnown())
                    && pooled.poolsEachImage(conv.params(), in, t, pool.op(), pool.params()) ? r : -1;
        }

        private Integer soleForwardReader(int node) {
            Integer only = null;
            for (int r : readers.get(node)) {
                if (r < numForwardNodes) {
                    if (only != null) {
                        return null;
                    }
                    only = r;
                }
            }
            return only;
        }

        /** Whether node {@code r}, reading chain value {@code cur}, extends the chain. */
        private boolean joins(int r, int cur, Shape s, DType t, int axis) {
            if (!(graph.node(r) instanceof OpNode op) || op.numOutputs() != 1 || !s.equals(shapes.entry(r, 0))
                    || t != types.entry(r, 0)) {
                return false;
            }
            boolean broadcasting = op.op() instanceof BinaryOp b && b.isBroadcasting();
            if (broadcasting && !staticShapes) {
                return false;
            }
            for (Entry in : op.inputs()) {
                if (in.node() == cur) {
                    if (in.output() != 0) {
                        return false;
                    }
                    continue;
                }
                Boolean vector = EpilogueOperands.kind(shapes.entry(in), s, axis);
                if (vector == null || vector && !broadcasting || types.entry(in) != t) {
                    return false;
                }
            }
            ElementwiseFormula f = op.op().elementwiseFormula(op.params(), t);
            return f != null && f.arity() == op.inputs().size();
        }

        /** Whether anything but chain member {@code next} reads {@code node}, or it is a graph output. */
        private boolean readOutside(int node, int next) {
            if (graphOutputs.get(node)) {
                return true;
            }
            for (int r : readers.get(node)) {
                if (r != next) {
                    return true;
                }
            }
            return false;
        }

        /** The fused node of chain {@code c}, placed at {@code index}; records where the chain's values went. */
        private OpNode fuse(Chain c, Entry[] remap, int index) {
            OpNode base = (OpNode) graph.node(c.base());
            List<Integer> steps = c.steps();
            boolean emitsBase = c.pool() < 0 && (steps.isEmpty() || readOutside(c.base(), steps.getFirst()));
            if (emitsBase) {
                remap[c.base()] = new Entry(index, 0);
            }
            Map<Entry, Integer> operands = new LinkedHashMap<>();
            operands.put(new Entry(c.base(), 0), 0);
            List<FusedExpression.Step> fusedSteps = new ArrayList<>();
            List<Integer> outputs = new ArrayList<>();
            Map<Integer, Integer> valueOf = new HashMap<>();
            valueOf.put(c.base(), 0);
            for (int m : steps) {
                for (Entry e : graph.node(m).inputs()) {
                    if (e.node() != c.base() && !steps.contains(e.node())) {
                        operands.putIfAbsent(e, operands.size());
                    }
                }
            }
            int numInputs = operands.size();
            for (int k = 0; k < steps.size(); k++) {
                int m = steps.get(k);
                OpNode node = (OpNode) graph.node(m);
                List<Integer> reads = new ArrayList<>();
                for (Entry e : node.inputs()) {
                    reads.add(valueOf.containsKey(e.node()) ? valueOf.get(e.node()) : operands.get(e));
                }
                valueOf.put(m, numInputs + k);
                DType t = types.entry(m, 0);
                fusedSteps.add(new FusedExpression.Step(node.name(), node.op().elementwiseFormula(node.params(), t),
                        reads));
                if (k == steps.size() - 1 || readOutside(m, steps.get(k + 1))) {
                    remap[m] = new Entry(index, (emitsBase ? 1 : 0) + outputs.size());
                    outputs.add(numInputs + k);
                }
            }
            FusedExpression expr = new FusedExpression(types.entry(c.base(), 0), numInputs, fusedSteps, outputs);
            DerivedWeights derived = fixedWeight(base) ? new DerivedWeights() : null;
            if (c.pool() >= 0) {
                OpNode pool = (OpNode) graph.node(c.pool());
                FusedEpilogueOp op = new FusedEpilogueOp(base.op(), base.params(), base.inputs().size(), base.name(),
                        expr, derived, new FusedEpilogueOp.Pooling(pool.op(), pool.params(), pool.name()));
                remap[c.pool()] = new Entry(index, 0);
                return new OpNode(pool.name(), op, op.defaultAttrs(), remapped(base.inputs(), remap), pool.attrs());
            }
            FusedEpilogueOp op = new FusedEpilogueOp(base.op(), base.params(), base.inputs().size(), c.axis(),
                    base.name(), emitsBase, expr, derived);
            List<Entry> in = new ArrayList<>(base.inputs());
            in.addAll(operands.keySet().stream().skip(1).toList());
            OpNode last = (OpNode) graph.node(c.last());
            return new OpNode(last.name(), op, op.defaultAttrs(), remapped(in, remap), last.attrs());
        }

        /** Whether {@code base}'s weight (input 1) is a variable named in {@link #fixedWeights}. */
        private boolean fixedWeight(OpNode base) {
            if (base.inputs().size() < 2) {
                return false;
            }
            Node weight = graph.node(base.inputs().get(1).node());
            return weight instanceof Variable v && fixedWeights.contains(v.name());
        }

        private static List<Entry> remapped(List<Entry> entries, Entry[] remap) {
            List<Entry> out = new ArrayList<>(entries.size());
            for (Entry e : entries) {
                Entry r = remap[e.node()];
                out.add(e.output() == 0 ? r : new Entry(r.node(), r.output() + e.output()));
            }
            return out;
        }
    }
}
