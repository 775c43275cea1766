package dev.kiln.tornado;

import dev.kiln.KilnException;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.GraphLayout;
import dev.kiln.compiler.InterpreterBackend;
import dev.kiln.compiler.MemoryPlan;
import dev.kiln.compiler.GraphLowering;
import dev.kiln.compiler.jit.FusionPass;
import dev.kiln.compiler.jit.JitBackend;
import dev.kiln.compiler.pass.PassScope;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.tornado.kernel.KernelLaunch;
import dev.kiln.tornado.plan.NodeLowering;
import dev.kiln.tornado.plan.Step;
import dev.kiln.tornado.runtime.DeviceRuntime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A graph compiled by the {@code tornado} backend: the compiler's passes, gradient graph and elementwise fusion
 * ({@link #lower}), then, per input shapes, a {@link DevicePlacement}: device segments run by the
 * {@link DeviceRuntime}, the other nodes on the host with their CPU kernels. Forward and backward run the same way.
 */
final class TornadoGraph implements CompiledGraph {
    static final int RUNS = 0;
    static final int PARAMETER_UPLOADS = 1;
    static final int INPUT_UPLOADS = 2;
    static final int DOWNLOADS = 3;
    static final int KEPT = 4;
    /** Plans kept for graphs compiled without static shapes (one per distinct input shapes). */
    private static final int MAX_PLANS = 16;

    private final CompileRequest request;
    private final CompiledGraph inner;
    private final GraphLayout layout;
    private final DeviceRuntime runtime;
    private final NodeLowering kernels;
    private final boolean fallback;
    private final Set<Integer> parameterNodes = new HashSet<>();
    private final Map<List<Shape>, DevicePlacement> placements = new ConcurrentHashMap<>();
    private final DevicePlacement compiled;
    private final AtomicLongArray stats = new AtomicLongArray(5);

    TornadoGraph(CompileRequest request, DeviceRuntime runtime, NodeLowering kernels, boolean fallback) {
        this.request = request;
        this.runtime = runtime;
        this.kernels = kernels;
        this.fallback = fallback;
        this.inner = InterpreterBackend.interpret(request, PassScope.FULL, TornadoGraph::lower);
        this.layout = GraphLayout.of(inner);
        for (int k = 0; k < request.inputs().size(); k++) {
            if (request.parameters().contains(request.inputs().get(k))) {
                parameterNodes.add(layout.inputNodes().get(k));
            }
        }
        this.compiled = placement(request.shapes());
    }

    /**
     * The JIT's elementwise fusion ({@link FusionPass}), the one fusion the device kernels lower; the GEMM and
     * convolution epilogues and the row reductions stay separate nodes, each its own device kernel. Fused groups
     * that end up on the host run the JIT's generated kernels. A graph whose shapes do not infer stays unfused.
     */
    static GraphLowering.Lowered lower(Graph graph, int numForwardNodes, Map<String, Shape> shapes,
                                       Map<String, DType> types, CompileRequest request) {
        try {
            FusionPass.Result fused = FusionPass.apply(graph, numForwardNodes, shapes, types, request.staticShapes());
            return new GraphLowering.Lowered(JitBackend.withKernels(fused.graph()), fused.numForwardNodes());
        } catch (KilnException inferenceFailed) {
            return new GraphLowering.Lowered(graph, numForwardNodes);
        }
    }

    private DevicePlacement placement(List<Shape> shapes) {
        DevicePlacement p = placements.get(shapes);
        if (p == null) {
            if (placements.size() >= MAX_PLANS) {
                placements.clear();
            }
            p = placements.computeIfAbsent(List.copyOf(shapes), s -> new DevicePlacement(request, layout, s,
                    parameterNodes, kernels, runtime, fallback, stats));
        }
        return p;
    }

    /** The plan for the compiling call's shapes. */
    DevicePlacement compiledPlacement() {
        return compiled;
    }

    /** Transfers and runs so far. */
    TransferStats transfers() {
        return new TransferStats(stats.get(RUNS), stats.get(PARAMETER_UPLOADS), stats.get(INPUT_UPLOADS),
                stats.get(DOWNLOADS), stats.get(KEPT));
    }

    @Override
    public CompileRequest request() {
        return request;
    }

    @Override
    public Execution run(NDArray[] inputs) {
        if (inputs.length != layout.inputNodes().size()) {
            throw new KilnException("compiled graph: expected " + layout.inputNodes().size() + " inputs "
                    + request.inputs() + ", got " + inputs.length);
        }
        List<Shape> shapes = new ArrayList<>(inputs.length);
        Device device = Device.cpu();
        for (NDArray a : inputs) {
            shapes.add(a.shape());
            if (!a.device().equals(Device.cpu())) {
                device = a.device();
            }
        }
        DevicePlacement p = placement(shapes);
        Graph graph = layout.graph();
        NDArray[][] values = new NDArray[graph.size()][];
        for (int k = 0; k < inputs.length; k++) {
            values[layout.inputNodes().get(k)] = new NDArray[] {inputs[k]};
        }
        runSteps(p, p.plan().forward(), values, device);
        NDArray[] out = new NDArray[layout.outputs().size()];
        for (int k = 0; k < out.length; k++) {
            Entry e = layout.outputs().get(k);
            out[k] = layout.passThrough() != null ? inputs[layout.passThrough().get(k)] : values[e.node()][e.output()];
        }
        return new Run(p, values, out, device);
    }

    private void runSteps(DevicePlacement p, List<Step> steps, NDArray[][] values, Device device) {
        boolean wasRecording = OpContext.setRecording(false);
        boolean wasTraining = OpContext.setTraining(request.training());
        try {
            for (Step s : steps) {
                switch (s) {
                    case Step.Host h -> Interpreter.runNodes(layout.graph(), values, Map.of(), request.training(),
                            h.node(), h.node() + 1, false);
                    case Step.Segment seg -> {
                        if (!p.run(seg, values, device)) {
                            for (int n : seg.nodes()) {
                                Interpreter.runNodes(layout.graph(), values, Map.of(), request.training(), n, n + 1,
                                        false);
                            }
                        }
                    }
                }
            }
        } finally {
            OpContext.setTraining(wasTraining);
            OpContext.setRecording(wasRecording);
        }
    }

    @Override
    public Graph compiledGraph() {
        return layout.graph();
    }

    @Override
    public MemoryPlan memoryPlan() {
        return inner.memoryPlan();
    }

    @Override
    public Optional<String> executedBy() {
        return Optional.of(TornadoBackend.NAME + " on " + runtime.name() + ": " + runtime.device());
    }

    @Override
    public String placement() {
        StringBuilder sb = new StringBuilder(compiled.plan().describe(layout.graph()));
        compiled.failedSegments().forEach((id, reason) -> sb.append("segment ").append(id)
                .append(" runs on the host: the device failed it: ").append(reason).append('\n'));
        return sb.toString();
    }

    @Override
    public Map<String, String> generatedClasses() {
        Map<String, String> out = new TreeMap<>();
        for (Step.Segment seg : compiled.plan().segments()) {
            for (KernelLaunch l : seg.launches()) {
                String name = l.kernel().binaryName();
                out.putIfAbsent(name.substring(name.lastIndexOf('.') + 1), l.kernel().listing());
            }
        }
        return out;
    }

    /** One forward run: the values backward reads, and backward on the device plan's backward steps. */
    private final class Run implements Execution {
        private final DevicePlacement placement;
        private final NDArray[][] values;
        private final NDArray[] outputs;
        private final Device device;

        Run(DevicePlacement placement, NDArray[][] values, NDArray[] outputs, Device device) {
            this.placement = placement;
            this.values = values;
            this.outputs = outputs;
            this.device = device;
        }

        @Override
        public NDArray[] outputs() {
            return outputs;
        }

        @Override
        public NDArray[] backward(NDArray[] headGradients) {
            GraphLayout.checkBackward(layout.gradients().size(), layout.headNodes().size(), headGradients);
            NDArray[][] v = values.clone();
            for (int k = 0; k < headGradients.length; k++) {
                int node = layout.headNodes().get(k);
                if (node >= 0) {
                    v[node] = new NDArray[] {headGradients[k]};
                }
            }
            runSteps(placement, placement.plan().backward(), v, device);
            NDArray[] out = new NDArray[layout.gradients().size()];
            for (int k = 0; k < out.length; k++) {
                Entry e = layout.gradients().get(k);
                out[k] = v[e.node()][e.output()];
            }
            return out;
        }
    }
}
