package dev.kiln.tornado;

import dev.kiln.KilnException;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.GraphLayout;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.tornado.plan.DevicePlan;
import dev.kiln.tornado.plan.NodeLowering;
import dev.kiln.tornado.plan.Partitioner;
import dev.kiln.tornado.plan.Step;
import dev.kiln.tornado.runtime.DeviceMemory;
import dev.kiln.tornado.runtime.DeviceRuntime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A compiled graph placed for one set of input shapes: every value's shape and dtype, the {@link DevicePlan}, and
 * each device segment loaded by the runtime. A graph whose shapes do not infer runs on the host, where its op fails
 * with the interpreter's error naming the node. A segment the device cannot compile or run fails with the runtime's
 * reason, or, with fallback allowed, runs on the host from then on (logged once, and listed by the placement).
 */
final class DevicePlacement {
    private static final System.Logger LOG = System.getLogger(DevicePlacement.class.getName());

    private final DevicePlan plan;
    private final List<SegmentRun> runs = new ArrayList<>();
    private final Map<Integer, String> failed = new java.util.concurrent.ConcurrentHashMap<>();
    private final boolean fallback;
    private final Graph graph;

    DevicePlacement(CompileRequest request, GraphLayout layout, List<Shape> inputShapes, Set<Integer> parameterNodes,
                    NodeLowering kernels, DeviceRuntime runtime, boolean fallback, AtomicLongArray stats) {
        this.fallback = fallback;
        this.graph = layout.graph();
        Map<String, Shape> shapes = new HashMap<>();
        Map<String, DType> types = new HashMap<>();
        for (int k = 0; k < request.inputs().size(); k++) {
            shapes.put(request.inputs().get(k), inputShapes.get(k));
            types.put(request.inputs().get(k), request.dtypes().get(k));
        }
        InferenceResult<Shape> s;
        InferenceResult<DType> t;
        try {
            if (!layout.headNodes().isEmpty()) {
                headSignature(request, layout, shapes, types);
            }
            s = ShapeInference.infer(graph, shapes);
            t = TypeInference.infer(graph, types);
        } catch (KilnException notInferable) {
            plan = allOnHost(graph, layout.numForwardNodes(), "shapes do not infer: " + notInferable.getMessage());
            return;
        }
        // kernels that depend on the mode (BatchNorm's batch or moving statistics) read it as the CPU kernels do
        boolean wasTraining = OpContext.setTraining(request.training());
        try {
            plan = new Partitioner(graph, s, t, parameterNodes, kernels, request.training(), fallback)
                    .plan(layout.numForwardNodes());
        } finally {
            OpContext.setTraining(wasTraining);
        }
        DeviceMemory shared = runtime.sharedMemory().orElse(null);
        Set<Entry> deviceReads = deviceReads();
        Set<Entry> hostReads = hostReads(layout);
        for (Step.Segment seg : plan.segments()) {
            SegmentRun run = null;
            boolean[] keep = new boolean[seg.outputs().size()];
            boolean[] hostMayRead = new boolean[keep.length];
            for (int k = 0; k < keep.length && shared != null; k++) {
                keep[k] = deviceReads.contains(seg.outputs().get(k).entry());
                hostMayRead[k] = hostReads.contains(seg.outputs().get(k).entry());
            }
            try {
                run = new SegmentRun(seg, runtime.load(seg), stats, graph, s, shared, keep, hostMayRead);
            } catch (KilnException e) {
                onHost(seg, e);
            }
            runs.add(run);
        }
    }

    /**
     * The values device segments read from outside themselves. With shared device memory a segment output among them
     * stays on the device, where the later segments bind it (the forward's values the backward needs among them);
     * the host copies it only if it reads it too (a graph output, a host step's input).
     */
    private Set<Entry> deviceReads() {
        Set<Entry> reads = new HashSet<>();
        for (Step.Segment seg : plan.segments()) {
            for (var b : seg.inputs()) {
                reads.add(b.entry());
            }
        }
        return reads;
    }

    /**
     * The values the host may read: the graph's outputs and gradients and the inputs of host steps. A kept value
     * among them that the host has not read when its segment runs again is copied back first; the others only later
     * device segments read.
     */
    private Set<Entry> hostReads(GraphLayout layout) {
        Set<Entry> reads = new HashSet<>(layout.outputs());
        reads.addAll(layout.gradients());
        for (Step st : plan.steps()) {
            if (st instanceof Step.Host h && graph.node(h.node()) instanceof OpNode op) {
                reads.addAll(op.inputs());
            }
        }
        return reads;
    }

    /**
     * Records that the device cannot run {@code seg} (the runtime's reason) and that its nodes run on the host from
     * now on; without fallback that is an error carrying the reason.
     */
    private void onHost(Step.Segment seg, KilnException e) {
        if (!fallback) {
            throw e;
        }
        String reason = e.getMessage();
        if (failed.putIfAbsent(seg.id(), reason) == null) {
            LOG.log(System.Logger.Level.WARNING, "tornado backend: device segment " + seg.id() + " ("
                    + seg.nodes().size() + " nodes from '" + graph.node(seg.nodes().get(0)).name() + "') runs on"
                    + " the host because the device cannot run it: " + reason);
        }
    }

    /** The segments that run on the host because the device failed them, with the device's reason. */
    Map<Integer, String> failedSegments() {
        return Map.copyOf(failed);
    }

    /** Adds the head-gradient variables: each shaped and typed like the forward output it stands for. */
    private static void headSignature(CompileRequest request, GraphLayout layout, Map<String, Shape> shapes,
                                      Map<String, DType> types) {
        InferenceResult<Shape> fs = ShapeInference.infer(request.graph(), shapes);
        InferenceResult<DType> ft = TypeInference.infer(request.graph(), types);
        for (int k = 0; k < layout.headNodes().size(); k++) {
            int node = layout.headNodes().get(k);
            if (node >= 0) {
                String name = layout.graph().node(node).name();
                shapes.put(name, fs.outputs().get(k));
                types.put(name, ft.outputs().get(k));
            }
        }
    }

    private static DevicePlan allOnHost(Graph graph, int numForwardNodes, String reason) {
        List<Step> forward = new ArrayList<>();
        List<Step> backward = new ArrayList<>();
        for (int i = 0; i < graph.size(); i++) {
            if (graph.node(i) instanceof OpNode) {
                (i < numForwardNodes ? forward : backward).add(new Step.Host(i, reason));
            }
        }
        return new DevicePlan(forward, backward);
    }

    DevicePlan plan() {
        return plan;
    }

    /**
     * Runs device segment {@code seg} of this plan on {@code values}; false when the device cannot run it (fallback
     * allowed), and the caller runs its nodes on the host.
     */
    boolean run(Step.Segment seg, NDArray[][] values, Device device) {
        SegmentRun run = runs.get(seg.id());
        if (run != null && !failed.containsKey(seg.id())) {
            try {
                run.run(values, device);
                return true;
            } catch (KilnException e) {
                onHost(seg, e);
            }
        }
        return false; // values earlier segments kept on the device are copied when the host steps read them
    }
}
