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
import dev.kiln.op.nn.RowKernels;
import dev.kiln.op.reduce.AxesReduceOp;
import dev.kiln.op.reduce.LaneMath;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses chains that contain row reductions into {@link FusedRowOp} nodes. A row space is a shape, an axis (of size
 * two or more) and a float dtype. Its seeds are {@code softmax}/{@code log_softmax}/{@code softmin} along the axis
 * (no length, no output dtype), {@code LayerNorm} along the last axis whose statistics nobody reads, and
 * {@code sum}/{@code mean}/{@code max}/{@code min} over exactly the last axis (or over all axes: one row of every
 * element; over a leading axis the rows would be read strided, slower than the reduction's own kernel). Elementwise
 * nodes (broadcasting ones included) join when their output is a vector or a per-row scalar of the space and every
 * input is one of a vector, a per-row scalar, a per-position array or a single element. Nodes group greedily in node
 * order as {@link FusionPass} groups them (convex, same part of a gradient graph); groups with a seed and two or more
 * nodes are fused. Static shapes only.
 */
public final class RowFusionPass {
    private RowFusionPass() {
    }

    /** A row space: the vector shape, the axis ({@link #ALL}: one row of every element) and the dtype. */
    private record Space(Shape shape, int axis, DType dtype) {
        static final int ALL = -1;

        Shape keep() {
            if (axis == ALL) {
                int[] ones = new int[shape.rank()];
                java.util.Arrays.fill(ones, 1);
                return Shape.of(ones);
            }
            return shape.with(axis, 1);
        }

        /** The shape and axis the program walks: the whole array as one row for {@link #ALL}. */
        Shape rowShape() {
            return axis == ALL ? Shape.of(shape.size()) : shape;
        }

        /** The kind of a value of shape {@code s} in this space, or null if it has none. */
        RowProgram.Kind kindOf(Shape s) {
            if (s == null || !s.isKnown() || s.rank() > shape.rank()) {
                return null;
            }
            Shape padded = s;
            while (padded.rank() < shape.rank()) {
                padded = padded.insert(0, 1);
            }
            if (padded.equals(shape)) {
                return RowProgram.Kind.VECTOR;
            }
            if (padded.equals(keep()) || axis == ALL && s.size() == 1) {
                return RowProgram.Kind.SCALAR;
            }
            if (axis == ALL) {
                return null;
            }
            int[] position = new int[shape.rank()];
            java.util.Arrays.fill(position, 1);
            position[axis] = shape.get(axis);
            if (padded.equals(Shape.of(position))) {
                return RowProgram.Kind.POSITION;
            }
            return s.size() == 1 ? RowProgram.Kind.CONSTANT : null;
        }
    }

    /** Fuses a graph with static shapes; see {@link FusionPass#apply(Graph, int, Map, Map, boolean)}. */
    public static FusionPass.Result apply(Graph graph, int numForwardNodes, Map<String, Shape> shapes,
                                          Map<String, DType> types) {
        return new Analysis(graph, numForwardNodes, ShapeInference.infer(graph, shapes),
                TypeInference.infer(graph, types)).run();
    }

    private static final class Analysis {
        private final Graph graph;
        private final int numForwardNodes;
        private final InferenceResult<Shape> shapes;
        private final InferenceResult<DType> types;
        private final GroupRewrite rewrite;
        private final Space[] space;
        private final boolean[] seed;
        private final ElementwiseFormula[] formula;
        private final Map<Space, List<Integer>> bySpace = new HashMap<>();

        Analysis(Graph graph, int numForwardNodes, InferenceResult<Shape> shapes, InferenceResult<DType> types) {
            this.graph = graph;
            this.numForwardNodes = numForwardNodes;
            this.shapes = shapes;
            this.types = types;
            this.rewrite = new GroupRewrite(graph);
            int n = graph.size();
            space = new Space[n];
            seed = new boolean[n];
            formula = new ElementwiseFormula[n];
            for (int i = 0; i < n; i++) {
                if (graph.node(i) instanceof OpNode op) {
                    space[i] = seedSpace(i, op);
                    seed[i] = space[i] != null;
                }
            }
            for (int i = 0; i < n; i++) {
                if (space[i] != null) {
                    bySpace.computeIfAbsent(space[i], s -> new ArrayList<>()).add(i);
                }
            }
        }

        private static boolean floating(DType t) {
            return t == DType.FLOAT32 || t == DType.FLOAT64;
        }

        /** The space of a seed node, or null. */
        private Space seedSpace(int i, OpNode op) {
            if (op.inputs().isEmpty()) {
                return null;
            }
            Shape s = shapes.entry(op.inputs().getFirst());
            DType t = types.entry(op.inputs().getFirst());
            if (s == null || !s.isKnown() || s.size() == 0 || !floating(t) || types.entry(i, 0) != t) {
                return null;
            }
            Integer axis = null;
            RowKernels.Softmax sm = RowKernels.softmax(op.op(), op.params(), s);
            RowKernels.LayerNorm ln = RowKernels.layerNorm(op.op(), op.params(), s);
            if (sm != null) {
                axis = sm.axis();
            } else if (ln != null && hiddenOutputsUnread(i) && ln.axis() == s.rank() - 1) {
                // gamma and beta are vectors along the axis, which only the last axis reads as a broadcast row
                axis = ln.axis();
            } else if (op.op() instanceof AxesReduceOp r && reducible(r.laneMath())) {
                boolean[] reduced = r.reducedAxes(op.params(), s);
                int count = 0;
                for (int a = 0; a < reduced.length; a++) {
                    if (reduced[a]) {
                        axis = a;
                        count++;
                    }
                }
                if (count > 1 && count == s.rank()) {
                    return s.size() < 2 ? null : new Space(s, Space.ALL, t);
                }
                // a reduction over an axis other than the last would walk rows strided (a bias gradient's column
                // sums): left to the elementwise fusion and the reduction's own vector kernel
                axis = count == 1 && axis == s.rank() - 1 ? axis : null;
            }
            return axis == null || s.get(axis) < 2 ? null : new Space(s, axis, t);
        }

        private static boolean reducible(LaneMath m) {
            return m == LaneMath.SUM || m == LaneMath.MEAN || m == LaneMath.MAX || m == LaneMath.MIN;
        }

        private boolean hiddenOutputsUnread(int i) {
            for (int r : rewrite.readers(i)) {
                for (Entry e : graph.node(r).inputs()) {
                    if (e.node() == i && e.output() > 0) {
                        return false;
                    }
                }
            }
            for (Entry e : graph.outputs()) {
                if (e.node() == i && e.output() > 0) {
                    return false;
                }
            }
            return true;
        }

        /** The kind of node {@code i}'s output in {@code s} if it can be an elementwise member there, else null. */
        private RowProgram.Kind memberKind(int i, Space s) {
            if (!(graph.node(i) instanceof OpNode op) || op.numOutputs() != 1 || types.entry(i, 0) != s.dtype()) {
                return null;
            }
            RowProgram.Kind out = s.kindOf(shapes.entry(i, 0));
            if (out != RowProgram.Kind.VECTOR && out != RowProgram.Kind.SCALAR) {
                return null;
            }
            for (Entry e : op.inputs()) {
                RowProgram.Kind k = s.kindOf(shapes.entry(e));
                if (k == null || types.entry(e) != s.dtype() || out == RowProgram.Kind.SCALAR && k.perElement()) {
                    return null;
                }
            }
            ElementwiseFormula f = op.op().elementwiseFormula(op.params(), s.dtype());
            return f != null && f.arity() == op.inputs().size() ? out : null;
        }

        /** The space an elementwise node joins: that of a seed or member it reads, or that a seed reading it has. */
        private void assignMembers() {
            for (int i = 0; i < graph.size(); i++) {
                if (seed[i]) {
                    continue;
                }
                Space found = null;
                for (Entry e : graph.node(i).inputs()) {
                    found = found != null ? found : spaceFor(i, space[e.node()]);
                }
                for (int r : rewrite.readers(i)) {
                    found = found != null ? found : spaceFor(i, seed[r] ? space[r] : null);
                }
                if (found == null) {
                    for (Space s : bySpace.keySet()) {
                        found = found != null ? found : spaceFor(i, s);
                    }
                }
                if (found != null) {
                    space[i] = found;
                    formula[i] = ((OpNode) graph.node(i)).op().elementwiseFormula(((OpNode) graph.node(i)).params(),
                            found.dtype());
                }
            }
        }

        private Space spaceFor(int i, Space s) {
            return s != null && memberKind(i, s) != null ? s : null;
        }

        FusionPass.Result run() {
            if (bySpace.isEmpty()) {
                return new FusionPass.Result(graph, numForwardNodes, 0);
            }
            assignMembers();
            List<BitSet> groups = new ArrayList<>();
            for (BitSet g : rewrite.groupGreedily(i -> space[i] != null, (p, c) -> space[p].equals(space[c])
                    && (p < numForwardNodes) == (c < numForwardNodes), FusionPass.MAX_GROUP)) {
                boolean seeded = false;
                for (int m = g.nextSetBit(0); m >= 0; m = g.nextSetBit(m + 1)) {
                    seeded |= seed[m];
                }
                if (seeded && g.cardinality() > 1) {
                    groups.add(g);
                }
            }
            GroupRewrite.Result r = rewrite.rewrite(groups, numForwardNodes, this::fuse);
            return new FusionPass.Result(r.graph(), r.numForwardNodes(), r.groups());
        }

        /** The row node of group {@code g}. */
        private OpNode fuse(BitSet g, List<Entry> inputs, List<Integer> outputs) {
            Space s = space[g.nextSetBit(0)];
            RowProgramBuilder b = new RowProgramBuilder(s.rowShape(), Math.max(0, s.axis()), s.dtype(),
                    inputs.size());
            Map<Entry, Integer> valueOfInput = new HashMap<>();
            List<Shape> inputShapes = new ArrayList<>();
            for (int k = 0; k < inputs.size(); k++) {
                valueOfInput.put(inputs.get(k), k);
                inputShapes.add(shapes.entry(inputs.get(k)));
                b.input(s.kindOf(inputShapes.getLast()));
            }
            Map<Integer, Integer> valueOf = new HashMap<>();
            for (int m = g.nextSetBit(0); m >= 0; m = g.nextSetBit(m + 1)) {
                OpNode op = (OpNode) graph.node(m);
                List<Integer> operands = new ArrayList<>();
                for (Entry e : op.inputs()) {
                    operands.add(g.get(e.node()) ? valueOf.get(e.node()) : valueOfInput.get(e));
                }
                RowProgram.Kind kind = seed[m] ? seedKind(op, s) : memberKind(m, s);
                valueOf.put(m, b.member(op.name(), kind, seed[m] ? op : null, formula[m], operands));
            }
            List<Integer> outs = new ArrayList<>();
            List<Shape> outShapes = new ArrayList<>();
            for (int m : outputs) {
                outs.add(valueOf.get(m));
                outShapes.add(shapes.entry(m, 0));
            }
            FusedRowOp op = new FusedRowOp(b.build(outs, outShapes, inputShapes, Set.copyOf(outs)));
            OpNode last = (OpNode) graph.node(g.length() - 1);
            return new OpNode(last.name(), op, op.defaultAttrs(), inputs, last.attrs());
        }

        private static RowProgram.Kind seedKind(OpNode op, Space s) {
            return op.op() instanceof AxesReduceOp ? RowProgram.Kind.SCALAR : RowProgram.Kind.VECTOR;
        }
    }
}
