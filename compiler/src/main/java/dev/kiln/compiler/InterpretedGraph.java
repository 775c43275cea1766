package dev.kiln.compiler;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.compiler.pass.ForwardSplit;
import dev.kiln.compiler.pass.PassContext;
import dev.kiln.compiler.pass.PassPipeline;
import dev.kiln.compiler.pass.PassScope;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph compiled by {@link InterpreterBackend}: the inputs are placed by node index, the forward nodes run, and,
 * when gradients were requested, the gradient graph's backward nodes run later on the values the forward kept.
 * Values are released after their last reader. Autograd recording is off while it runs. The standard passes may
 * rewrite the graph first, and a {@link GraphLowering} after them, as the JIT does to fuse nodes.
 */
final class InterpretedGraph implements CompiledGraph {
    private final CompileRequest request;
    private final Graph graph;
    private final int numForwardNodes;
    private final int[] inputNodes;
    private final int[] lastUse;
    private final Entry[] outputs;
    private final int[] headNodes;
    private final Entry[] gradients;
    private final Graph forward;
    private final List<String> headGradientNames;
    private final PassContext context;
    /** Per output, the input it passes through when the forward has no ops (an identity graph), else null. */
    private final int[] passThrough;
    private volatile MemoryPlan plan;

    /**
     * Compiles {@code request}: the standard passes in {@code passes}' scope, then the gradient graph if asked, then
     * {@code lowering} ({@code null} for none), which may rewrite the graph (forward and backward together) before it
     * runs node by node, as the JIT does to fuse nodes.
     */
    InterpretedGraph(CompileRequest request, PassScope passes, GraphLowering lowering) {
        this.request = request;
        this.context = PassContext.of(request);
        PassContext ctx = context;
        PassPipeline pipeline = PassPipeline.standard(request.training());
        forward = passes == PassScope.NONE ? request.graph() : pipeline.run(request.graph(), ctx).graph();
        int numOutputs = forward.outputs().size();
        Graph built = forward;
        int forwardNodes = forward.size();
        if (request.needsGradients()) {
            int[] heads = new int[request.numHeads()];
            for (int k = 0; k < heads.length; k++) {
                heads[k] = k;
            }
            GraphGradient builder = GraphGradient.of(forward).training(request.training()).heads(heads);
            for (String name : request.gradients()) {
                builder.wrt(name, GradReq.WRITE);
            }
            GradientGraph gg = builder.build();
            headGradientNames = gg.headGradients();
            if (passes == PassScope.FULL && ctx.inferable(forward)) {
                HeadSignature sig = headSignature();
                Graph optimised = pipeline.run(gg.graph(), ctx.forGradientGraph(sig.shapes(), sig.types())).graph();
                ForwardSplit split = ForwardSplit.of(optimised, numOutputs, sig.shapes().keySet(),
                        request.training());
                built = split.graph();
                forwardNodes = split.numForwardNodes();
            } else {
                built = gg.graph();
                forwardNodes = gg.numForwardNodes();
            }
        } else {
            headGradientNames = List.of();
        }
        if (lowering != null && context.inferable(forward)) {
            HeadSignature heads = headSignature();
            Map<String, Shape> shapes = new HashMap<>(context.inputShapes());
            shapes.putAll(heads.shapes());
            Map<String, DType> types = new HashMap<>(context.inputTypes());
            types.putAll(heads.types());
            GraphLowering.Lowered lowered = lowering.lower(built, forwardNodes, shapes, types, request);
            built = lowered.graph();
            forwardNodes = lowered.numForwardNodes();
        }
        graph = built;
        numForwardNodes = forwardNodes;
        headNodes = new int[request.needsGradients() ? request.numHeads() : 0];
        for (int k = 0; k < headNodes.length; k++) {
            String head = headGradientNames.get(k);
            headNodes[k] = head == null ? -1 : graph.indexOf(head);
        }
        gradients = graph.outputs().subList(numOutputs, graph.outputs().size()).toArray(new Entry[0]);
        inputNodes = new int[request.inputs().size()];
        for (int k = 0; k < inputNodes.length; k++) {
            inputNodes[k] = graph.indexOf(request.inputs().get(k));
        }
        lastUse = Interpreter.lastUses(graph);
        outputs = graph.outputs().subList(0, numOutputs).toArray(new Entry[0]);
        passThrough = passThrough(graph, numForwardNodes, outputs, inputNodes);
    }

    /**
     * For a forward without op nodes (every output is an input), which input each output is; {@code null} when
     * the forward computes anything. Such graphs (an identity, or one the passes simplified away) need no run.
     */
    private static int[] passThrough(Graph graph, int numForwardNodes, Entry[] outputs, int[] inputNodes) {
        for (int i = 0; i < numForwardNodes; i++) {
            if (graph.node(i) instanceof dev.kiln.graph.OpNode) {
                return null;
            }
        }
        int[] slots = new int[outputs.length];
        for (int k = 0; k < outputs.length; k++) {
            slots[k] = -1;
            for (int j = 0; j < inputNodes.length; j++) {
                if (inputNodes[j] == outputs[k].node()) {
                    slots[k] = j;
                }
            }
            if (slots[k] < 0) {
                return null;
            }
        }
        return slots;
    }

    /** The graph and where its inputs, outputs and gradients are, for executors that run it another way. */
    GraphLayout layout() {
        List<Integer> through = null;
        if (passThrough != null) {
            through = new java.util.ArrayList<>();
            for (int k : passThrough) {
                through.add(k);
            }
        }
        return new GraphLayout(graph, numForwardNodes, java.util.Arrays.stream(inputNodes).boxed().toList(),
                List.of(outputs), java.util.Arrays.stream(headNodes).boxed().toList(), List.of(gradients), through);
    }

    /** The shapes and dtypes of the head-gradient variables: those of the forward outputs they stand for. */
    private record HeadSignature(Map<String, Shape> shapes, Map<String, DType> types) {
    }

    /** Infers the forward graph; the compiling call's shapes must be consistent with it. */
    private HeadSignature headSignature() {
        InferenceResult<Shape> fs = context.shapes(forward);
        InferenceResult<DType> ft = context.types(forward);
        Map<String, Shape> headShapes = new HashMap<>();
        Map<String, DType> headTypes = new HashMap<>();
        for (int k = 0; k < headGradientNames.size(); k++) {
            String head = headGradientNames.get(k);
            if (head != null) {
                headShapes.put(head, fs.outputs().get(k));
                headTypes.put(head, ft.outputs().get(k));
            }
        }
        return new HeadSignature(headShapes, headTypes);
    }

    @Override
    public CompileRequest request() {
        return request;
    }

    @Override
    public Execution run(NDArray[] inputs) {
        NDArray[][] values = new NDArray[graph.size()][];
        return new Run(values, forward(inputs, values));
    }

    @Override
    public NDArray[] infer(NDArray[] inputs) {
        int[] through = passThrough;
        if (through != null && inputs.length == inputNodes.length) {
            NDArray[] out = new NDArray[through.length];
            for (int k = 0; k < out.length; k++) {
                out[k] = inputs[through[k]];
            }
            return out;
        }
        return forward(inputs, new NDArray[graph.size()][]);
    }

    /** Runs the forward nodes into {@code values} and returns the outputs. */
    private NDArray[] forward(NDArray[] inputs, NDArray[][] values) {
        if (inputs.length != inputNodes.length) {
            throw new KilnException("compiled graph: expected " + inputNodes.length + " inputs " + request.inputs()
                    + ", got " + inputs.length);
        }
        for (int k = 0; k < inputs.length; k++) {
            values[inputNodes[k]] = new NDArray[] {inputs[k]};
        }
        boolean wasRecording = OpContext.isRecording();
        if (wasRecording) {
            OpContext.setRecording(false);
        }
        try {
            Interpreter.runNodes(graph, values, Map.of(), request.training(), 0, numForwardNodes, lastUse);
        } finally {
            if (wasRecording) {
                OpContext.setRecording(true);
            }
        }
        NDArray[] out = new NDArray[outputs.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = values[outputs[k].node()][outputs[k].output()];
        }
        return out;
    }

    @Override
    public Graph compiledGraph() {
        return graph;
    }

    @Override
    public MemoryPlan memoryPlan() {
        MemoryPlan p = plan;
        if (p == null) {
            p = planMemory();
            plan = p;
        }
        return p;
    }

    private MemoryPlan planMemory() {
        HeadSignature heads = headSignature();
        Map<String, Shape> shapes = new HashMap<>(context.inputShapes());
        shapes.putAll(heads.shapes());
        Map<String, DType> types = new HashMap<>(context.inputTypes());
        types.putAll(heads.types());
        return MemoryPlan.withoutReuse(graph, ShapeInference.infer(graph, shapes), TypeInference.infer(graph, types));
    }

    /** One forward run's kept values and its backward. */
    private final class Run implements Execution {
        private final NDArray[][] values;
        private final NDArray[] outputs;

        Run(NDArray[][] values, NDArray[] outputs) {
            this.values = values;
            this.outputs = outputs;
        }

        @Override
        public NDArray[] outputs() {
            return outputs;
        }

        @Override
        public NDArray[] backward(NDArray[] headGradients) {
            GraphLayout.checkBackward(gradients.length, headNodes.length, headGradients);
            NDArray[][] v = values.clone(); // rows are replaced, never cleared, so backward can run again
            for (int k = 0; k < headNodes.length; k++) {
                if (headNodes[k] >= 0) {
                    v[headNodes[k]] = new NDArray[] {headGradients[k]};
                }
            }
            boolean wasRecording = OpContext.setRecording(false);
            try {
                Interpreter.runNodes(graph, v, Map.of(), request.training(), numForwardNodes, graph.size(), lastUse);
            } finally {
                OpContext.setRecording(wasRecording);
            }
            NDArray[] out = new NDArray[gradients.length];
            for (int k = 0; k < out.length; k++) {
                out[k] = v[gradients[k].node()][gradients[k].output()];
            }
            return out;
        }
    }
}
