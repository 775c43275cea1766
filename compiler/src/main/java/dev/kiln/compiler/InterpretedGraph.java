package dev.kiln.compiler;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
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
 * Values are released after their last reader. Autograd recording is off while it runs. A {@link GraphLowering}
 * may rewrite the graph (forward and backward together) before it runs, as the JIT does to fuse nodes.
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
    /** Per output, the input it passes through when the forward has no ops (an identity graph), else null. */
    private final int[] passThrough;
    private volatile MemoryPlan plan;

    InterpretedGraph(CompileRequest request, GraphLowering lowering) {
        this.request = request;
        Graph forward = request.graph();
        int numOutputs = forward.outputs().size();
        Graph built = forward;
        int forwardNodes = forward.size();
        String[] heads = new String[0];
        int[] gradientOutputs = new int[0];
        if (request.needsGradients()) {
            int[] headIndices = new int[request.numHeads()];
            for (int k = 0; k < headIndices.length; k++) {
                headIndices[k] = k;
            }
            GraphGradient builder = GraphGradient.of(forward).training(request.training()).heads(headIndices);
            for (String name : request.gradients()) {
                builder.wrt(name, GradReq.WRITE);
            }
            GradientGraph gg = builder.build();
            built = gg.graph();
            forwardNodes = gg.numForwardNodes();
            heads = gg.headGradients().subList(0, request.numHeads()).toArray(new String[0]);
            gradientOutputs = new int[request.gradients().size()];
            for (int k = 0; k < gradientOutputs.length; k++) {
                gradientOutputs[k] = built.outputs().indexOf(gg.gradientOf(request.gradients().get(k)));
            }
        }
        if (lowering != null) {
            Signature sig = signature(request, heads);
            GraphLowering.Lowered lowered = lowering.lower(built, forwardNodes, sig.shapes(), sig.types(), request);
            built = lowered.graph();
            forwardNodes = lowered.numForwardNodes();
        }
        graph = built;
        numForwardNodes = forwardNodes;
        headNodes = new int[heads.length];
        for (int k = 0; k < headNodes.length; k++) {
            headNodes[k] = heads[k] == null ? -1 : graph.indexOf(heads[k]);
        }
        gradients = new Entry[gradientOutputs.length];
        for (int k = 0; k < gradients.length; k++) {
            gradients[k] = graph.outputs().get(gradientOutputs[k]);
        }
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
        String[] heads = new String[headNodes.length];
        for (int k = 0; k < heads.length; k++) {
            heads[k] = headNodes[k] < 0 ? null : graph.node(headNodes[k]).name();
        }
        Signature sig = signature(request, heads);
        return MemoryPlan.withoutReuse(graph, ShapeInference.infer(graph, sig.shapes()),
                TypeInference.infer(graph, sig.types()));
    }

    /** The variables' shapes and dtypes in the compiling call; each head-gradient variable takes its output's. */
    private record Signature(Map<String, Shape> shapes, Map<String, DType> types) {
    }

    private static Signature signature(CompileRequest request, String[] heads) {
        Map<String, Shape> shapes = new HashMap<>();
        Map<String, DType> types = new HashMap<>();
        List<String> names = request.inputs();
        for (int k = 0; k < names.size(); k++) {
            shapes.put(names.get(k), request.shapes().get(k));
            types.put(names.get(k), request.dtypes().get(k));
        }
        if (heads.length > 0) {
            InferenceResult<Shape> fs = ShapeInference.infer(request.graph(), shapes);
            InferenceResult<DType> ft = TypeInference.infer(request.graph(), types);
            for (int k = 0; k < heads.length; k++) {
                if (heads[k] != null) {
                    shapes.put(heads[k], fs.outputs().get(k));
                    types.put(heads[k], ft.outputs().get(k));
                }
            }
        }
        return new Signature(shapes, types);
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
            if (gradients.length == 0) {
                throw new KilnException("compiled graph: compiled for inference; no gradients were requested");
            }
            NDArray[][] v = values.clone(); // rows are replaced, never cleared, so backward can run again
            if (headGradients.length != headNodes.length) {
                throw new KilnException("compiled graph: " + headNodes.length + " outputs but "
                        + headGradients.length + " head gradients");
            }
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
