package dev.kiln.tornado.plan;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Splits a compiled graph (forward nodes, then backward nodes) into device segments, maximal runs of op nodes the
 * kernels support, and host nodes. A node the device cannot run is an error naming the node, its op, its inputs'
 * shapes and dtypes and the reason, unless host fallback is allowed; then it runs on the host with its CPU kernel.
 * The forward and backward parts are split separately (a backward segment reads what the forward copied back).
 */
public final class Partitioner {
    /** The dtypes device buffers hold. */
    private static final Set<DType> DEVICE_TYPES = Set.of(DType.FLOAT32, DType.INT32);

    private final Graph graph;
    private final InferenceResult<Shape> shapes;
    private final InferenceResult<DType> types;
    private final Set<Integer> parameterNodes;
    private final NodeLowering kernels;
    private final boolean training;
    private final boolean fallback;
    private final Map<Entry, Integer> lastReader = new HashMap<>();
    private int segments;

    /**
     * A partitioner for {@code graph} with every value's shape and dtype.
     *
     * @param parameterNodes the variable nodes holding parameters and auxiliary states (sent to the device once)
     * @param training       whether the graph runs in training mode (random ops, auxiliary-state updates)
     * @param fallback       whether unsupported nodes run on the host instead of failing
     */
    public Partitioner(Graph graph, InferenceResult<Shape> shapes, InferenceResult<DType> types,
                       Set<Integer> parameterNodes, NodeLowering kernels, boolean training, boolean fallback) {
        this.graph = graph;
        this.shapes = shapes;
        this.types = types;
        this.parameterNodes = Set.copyOf(parameterNodes);
        this.kernels = kernels;
        this.training = training;
        this.fallback = fallback;
        for (int i = 0; i < graph.size(); i++) {
            for (Entry e : graph.node(i).inputs()) {
                lastReader.merge(e, i, Math::max);
            }
        }
        for (Entry e : graph.outputs()) {
            lastReader.put(e, Integer.MAX_VALUE);
        }
    }

    /** The plan: nodes {@code [0, numForwardNodes)} are the forward run, the rest the backward run. */
    public DevicePlan plan(int numForwardNodes) {
        segments = 0;
        return new DevicePlan(steps(0, numForwardNodes), steps(numForwardNodes, graph.size()));
    }

    private List<Step> steps(int from, int to) {
        List<Step> steps = new ArrayList<>();
        SegmentBuilder open = null;
        for (int i = from; i < to; i++) {
            if (!(graph.node(i) instanceof OpNode op)) {
                continue; // variables are placed before the run
            }
            Optional<String> why = unsupported(i, op);
            if (why.isPresent()) {
                if (!fallback) {
                    throw new KilnException(unsupportedMessage(op, why.get()));
                }
                if (open != null) {
                    steps.add(close(open, i));
                    open = null;
                }
                steps.add(new Step.Host(i, why.get()));
                continue;
            }
            if (open == null) {
                open = new SegmentBuilder(shapes, types, parameterNodes, kernels);
            }
            try {
                open.add(i, op, writeBack(op));
            } catch (KilnException | UnsupportedOperationException | IllegalArgumentException e) {
                throw new KilnException("tornado backend: lowering node '" + op.name() + "' (" + op.op().name()
                        + ") with inputs " + inputs(op) + " failed: " + e.getMessage(), e);
            }
        }
        if (open != null) {
            steps.add(close(open, to));
        }
        return steps;
    }

    private Step.Segment close(SegmentBuilder open, int end) {
        return open.build(segments++, e -> lastReader.getOrDefault(e, -1) >= end);
    }

    /** Why the device cannot run {@code op}, or empty when it can. */
    private Optional<String> unsupported(int index, OpNode op) {
        List<Shape> inShapes = new ArrayList<>();
        List<DType> inTypes = new ArrayList<>();
        for (Entry e : op.inputs()) {
            Shape s = shapes.entry(e);
            DType t = types.entry(e);
            if (s == null || !s.isKnown() || t == null) {
                return Optional.of("the shape or dtype of input " + e + " is not known at compile time");
            }
            if (!DEVICE_TYPES.contains(t)) {
                return Optional.of("input " + e + " is " + t.mxnetName() + "; the device holds float32 and int32");
            }
            inShapes.add(s);
            inTypes.add(t);
        }
        for (int k = 0; k < op.numOutputs(); k++) {
            Shape s = shapes.entry(index, k);
            DType t = types.entry(index, k);
            if (s == null || !s.isKnown() || t == null) {
                return Optional.of("the shape or dtype of output " + k + " is not known at compile time");
            }
            if (!DEVICE_TYPES.contains(t)) {
                return Optional.of("output " + k + " is " + t.mxnetName() + "; the device computes float32 and int32");
            }
        }
        if (op.op().isRandom(op.params(), training)) {
            return Optional.of("a random op draws from the host's generator (so that results match the CPU path)");
        }
        if (op.op().hasSideEffects(op.params(), training) && op.op().auxInputIndices(op.params()).isEmpty()) {
            return Optional.of("the op has side effects on the host");
        }
        return kernels.unsupported(op, inShapes, inTypes);
    }

    /** The inputs the device updates in place: auxiliary states of an op with side effects in training. */
    private Set<Integer> writeBack(OpNode op) {
        if (!op.op().hasSideEffects(op.params(), training)) {
            return Set.of();
        }
        return new HashSet<>(op.op().auxInputIndices(op.params()));
    }

    private String inputs(OpNode op) {
        List<String> parts = new ArrayList<>();
        for (Entry e : op.inputs()) {
            Shape s = shapes.entry(e);
            DType t = types.entry(e);
            parts.add((s == null ? "?" : s.toString()) + " " + (t == null ? "?" : t.mxnetName()));
        }
        return parts.toString();
    }

    private String unsupportedMessage(OpNode op, String reason) {
        return "tornado backend: node '" + op.name() + "' (op " + op.op().name() + ") with inputs " + inputs(op)
                + " cannot run on the device: " + reason + ". Allow CPU fallback to run such nodes on the host"
                + " (TornadoOptions fallback, or -Dkiln.tornado.fallback=true)";
    }
}
