package dev.kiln.compiler.pass;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;

import java.util.List;
import java.util.Map;

/**
 * What a simplification rule sees of one op node: its op and attributes, its inputs as entries of the graph being
 * built (so a rule sees earlier rewrites: {@code transpose(transpose(transpose(x)))} folds in one sweep), the nodes
 * producing them, and the inferred shapes and dtypes of its inputs and outputs, which rewrites preserve.
 */
final class RuleMatch {
    private final int index;
    private final OpNode node;
    private final GraphRewriter rewriter;
    private final PassContext ctx;
    private final InferenceResult<Shape> shapes;
    private final InferenceResult<DType> types;
    private final Graph source;
    private final int[][] reads;
    private final ParameterDependence fixed;

    RuleMatch(Graph source, int index, GraphRewriter rewriter, PassContext ctx, InferenceResult<Shape> shapes,
              InferenceResult<DType> types, int[][] reads, ParameterDependence fixed) {
        this.source = source;
        this.reads = reads;
        this.fixed = fixed;
        this.index = index;
        this.node = (OpNode) source.node(index);
        this.rewriter = rewriter;
        this.ctx = ctx;
        this.shapes = shapes;
        this.types = types;
    }

    OpNode node() {
        return node;
    }

    PassContext ctx() {
        return ctx;
    }

    /** Attribute {@code name} of the node (its default when not given). */
    Object attr(String name) {
        return node.params().values().get(name);
    }

    /** The node's input {@code k} as an entry of the graph being built. */
    Entry input(int k) {
        return rewriter.map(node.inputs().get(k));
    }

    /** The node (in the graph being built) that produces input {@code k}. */
    Node producer(int k) {
        return rewriter.node(input(k).node());
    }

    /** The producer of input {@code k} if it applies one of {@code opNames}, else {@code null}. */
    OpNode producerApplying(int k, List<String> opNames) {
        return producer(k) instanceof OpNode p && opNames.contains(p.op().name()) ? p : null;
    }

    Shape inputShape(int k) {
        return shapes.entry(node.inputs().get(k));
    }

    Shape outputShape(int k) {
        return shapes.entry(index, k);
    }

    DType inputType(int k) {
        return types.entry(node.inputs().get(k));
    }

    DType outputType(int k) {
        return types.entry(index, k);
    }

    /** The rank of input {@code k}, or -1 if unknown. Ranks are the same for every call, static shapes or not. */
    int inputRank(int k) {
        Shape s = inputShape(k);
        return s == null || !s.isRankKnown() ? -1 : s.rank();
    }

    /** True if input 0 and output 0 have one known dtype: the op changes no dtype here. */
    boolean keepsDType() {
        DType in = inputType(0);
        return in != null && in == outputType(0);
    }

    /** True if the scalar attribute of a {@code _*_scalar} op is {@code value}. */
    boolean scalarIs(double value) {
        return attr("scalar") instanceof Double d && d == value;
    }

    /** The node's output 0 becomes its input 0 (outputs past the first must be unread). */
    Rewrite identity() {
        return new Rewrite.Forward(input(0));
    }

    /** The node replaced by the same op reading {@code input} with other attributes, under the node's name. */
    Rewrite sameOp(Entry input, Map<String, ?> attrs) {
        return new Rewrite.Replace(new OpNode(node.name(), node.op(), node.op().attrs(attrs), List.of(input),
                node.attrs()));
    }

    /** The node reading {@code input} instead, its attributes unchanged. */
    Rewrite rewired(Entry input) {
        return new Rewrite.Replace(node.withInputs(List.of(input)));
    }

    /** How many readers (nodes and graph outputs) the value of input {@code k} has in the source graph. */
    int readers(int k) {
        Entry e = node.inputs().get(k);
        return reads[e.node()][e.output()];
    }

    /** True if nothing reads the node's outputs past the first. */
    boolean hiddenUnread() {
        for (int k = 1; k < reads[index].length; k++) {
            if (reads[index][k] > 0) {
                return false;
            }
        }
        return true;
    }

    /** True if {@code e}, an entry of the graph being built, depends only on parameters and constants. */
    boolean isFixed(Entry e) {
        return fixed.isFixed(e);
    }

    /**
     * The shape of input {@code j} of the source node producing input {@code k} (rewrites keep the shapes of the
     * inputs they keep), or {@code null} if unknown.
     */
    Shape producerInputShape(int k, int j) {
        Node p = source.node(node.inputs().get(k).node());
        return j < p.inputs().size() ? shapes.entry(p.inputs().get(j)) : null;
    }

    /** The dtype of input {@code j} of the source node producing input {@code k}, or {@code null}. */
    DType producerInputType(int k, int j) {
        Node p = source.node(node.inputs().get(k).node());
        return j < p.inputs().size() ? types.entry(p.inputs().get(j)) : null;
    }

    /**
     * Adds a helper node applying {@code op} to {@code inputs} (entries of the graph being built) under a fresh name
     * made of this node's and {@code suffix}, carrying this node's annotations; returns its output 0.
     */
    Entry emit(String suffix, String op, Map<String, ?> attrs, Entry... inputs) {
        OpDef def = OpRegistry.global().get(op);
        return emitNode(new OpNode(rewriter.freshName(node.name() + "_" + suffix), def, def.attrs(attrs),
                List.of(inputs), node.attrs()));
    }

    /** The node replaced, under its name and annotations, by {@code op} applied to {@code inputs}. */
    Rewrite replacedBy(String op, Map<String, ?> attrs, Entry... inputs) {
        OpDef def = OpRegistry.global().get(op);
        return new Rewrite.Replace(new OpNode(node.name(), def, def.attrs(attrs), List.of(inputs), node.attrs()));
    }

    /** Adds {@code n} (inputs in the graph being built) to the graph being built; returns its output 0. */
    Entry emitNode(OpNode n) {
        return new Entry(rewriter.add(n), 0);
    }

    /** {@code t} as an int array. */
    static int[] ints(Object t) {
        return ((IntTuple) t).toArray();
    }

    /** What a rule turns a node into. */
    sealed interface Rewrite {
        /** The node disappears; readers of its output 0 read {@code target} (an entry of the graph being built). */
        record Forward(Entry target) implements Rewrite {
        }

        /** The node is replaced by {@code node}, whose inputs are entries of the graph being built. */
        record Replace(OpNode node) implements Rewrite {
        }
    }
}
