package dev.kiln.docs;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.pass.Pass;
import dev.kiln.compiler.pass.PassContext;
import dev.kiln.compiler.pass.PassPipeline;
import dev.kiln.compiler.pass.PassRecord;
import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;

/**
 * Runs the walkthrough of docs/WALKTHROUGH.md (one {@link ScaledRelu}, hybridized, called in predict mode and then
 * recorded with a backward) and renders every artifact the page shows, by the name of its marker: the traced graph,
 * the graph after each pass that changed it, the compiled graphs, memory plans and generated classes. Everything
 * comes from the running code; nothing is written by hand.
 */
final class WalkthroughRun {
    final ScaledRelu net;
    final NDArray x;
    final NDArray y;
    final CompiledGraph predict;
    final CompiledGraph training;
    final String explain;
    private final Map<String, String> artifacts = new LinkedHashMap<>();

    WalkthroughRun() {
        Random.seed(7);
        // walkthrough:usage
        ScaledRelu net = new ScaledRelu(3);
        net.initialize();                          // the dense weight waits for its input size: (3, 0)
        net.hybridize();
        NDArray x = Random.uniform(-1, 1, 2, 4);
        NDArray y = net.call(x);                   // predict mode: trace, compile, run
        NDArray loss;
        try (var recording = Autograd.record()) {  // training mode: another graph, compiled with its backward
            loss = nd.sum(net.call(x));
        }
        loss.backward();                           // gradients in each parameter's grad()
        // end walkthrough:usage
        this.net = net;
        this.x = x;
        this.y = y;
        this.explain = net.explain();
        List<CompiledGraph> graphs = net.compiledGraphs();
        this.predict = graphs.stream().filter(g -> !g.request().training()).findFirst().orElseThrow();
        this.training = graphs.stream().filter(g -> g.request().training()).findFirst().orElseThrow();
        render();
    }

    /** The artifacts by marker name, in the order the page shows them. */
    Map<String, String> artifacts() {
        return artifacts;
    }

    private void render() {
        List<String> signatures = explain.lines().filter(l -> l.startsWith("== signature "))
                .map(l -> l.substring("== signature ".length(), l.length() - " ==".length())).toList();
        String predictSignature = signatures.stream().filter(l -> l.startsWith("predict(")).findFirst().orElseThrow();
        String trainingSignature = signatures.stream().filter(l -> l.startsWith("training(")).findFirst()
                .orElseThrow();
        CompileRequest request = predict.request();
        artifacts.put("signature", predictSignature);
        artifacts.put("traced", annotated(request.graph(), request, Map.of()));
        renderPasses(request);
        artifacts.put("compiled", annotated(predict.compiledGraph(), request, Map.of()));
        artifacts.put("memory", predict.bufferPlan().orElseThrow().describe().strip());
        Map<String, String> classes = predict.generatedClasses();
        artifacts.put("executor", withoutMethod(classOf(classes, "Graph_"), "public <init>("));
        artifacts.put("kernel", method(classOf(classes, "Fused_"), "public static run("));
        CompileRequest train = training.request();
        artifacts.put("signature-training", trainingSignature);
        artifacts.put("passes-training", trainingPasses(train));
        artifacts.put("compiled-training", annotated(training.compiledGraph(), train, headShapes(train)));
        artifacts.put("memory-training", training.bufferPlan().orElseThrow().describe().strip());
        String trainingExecutor = classOf(training.generatedClasses(), "Graph_");
        artifacts.put("executor-training", method(trainingExecutor, "public backward("));
    }

    /**
     * The standard inference pipeline on the traced graph, with the request's context, as the parameter stage runs
     * it: the pass list with node counts, and the graph after each pass that changed it.
     */
    private void renderPasses(CompileRequest request) {
        PassPipeline pipeline = PassPipeline.standard(false);
        StringBuilder list = new StringBuilder(pipeline.name()).append(":\n");
        Map<String, Integer> seen = new HashMap<>();
        for (Step step : passByPass(pipeline, request.graph(), PassContext.of(request), list)) {
            int run = seen.merge(step.pass(), 1, Integer::sum);
            if (step.changed()) {
                artifacts.put("graph-after:" + step.pass() + (run > 1 ? "#" + run : ""), step.printed().strip());
            }
        }
        artifacts.put("passes", list.toString().stripTrailing());
    }

    /**
     * The training pipeline as the compiler runs it for a request with gradients: on the forward graph (a gradient
     * will be built from it), then on the forward and backward graph, whose head gradient is shaped like the output.
     */
    private String trainingPasses(CompileRequest train) {
        PassContext ctx = PassContext.of(train);
        PassPipeline pipeline = PassPipeline.standard(true);
        StringBuilder list = new StringBuilder(pipeline.name()).append(", forward graph:\n");
        List<Step> forward = passByPass(pipeline, train.graph(), ctx, list);
        GraphGradient builder = GraphGradient.of(forward.getLast().graph()).training(true).heads(0);
        for (String name : train.gradients()) {
            builder.wrt(name, GradReq.WRITE);
        }
        GradientGraph gradient = builder.build();
        String head = gradient.headGradients().getFirst();
        list.append(pipeline.name()).append(", forward and backward graph:\n");
        passByPass(pipeline, gradient.graph(), ctx.forGradientGraph(Map.of(head, y.shape()), Map.of(head, y.dtype())),
                list);
        return list.toString().stripTrailing();
    }

    /** One pass of a pipeline run: its record, the graph it returned, and that graph as the pipeline prints it. */
    private record Step(PassRecord record, Graph graph, String printed, boolean changed) {
        String pass() {
            return record.pass();
        }
    }

    /**
     * Runs {@code pipeline}'s passes one at a time under its name (what its own run does, with each pass's graph kept
     * so that passes that changed nothing can be told apart), listing each with its node counts in {@code list}.
     */
    private static List<Step> passByPass(PassPipeline pipeline, Graph graph, PassContext ctx, StringBuilder list) {
        List<Step> steps = new ArrayList<>();
        Graph g = graph;
        for (Pass p : pipeline.passes()) {
            List<String> printed = new ArrayList<>();
            PassPipeline.Result r = PassPipeline.of(pipeline.name(), List.of(p)).printAfterAll(printed::add).run(g, ctx);
            PassRecord record = r.records().getFirst();
            boolean changed = !r.graph().equals(g);
            list.append(String.format("  %-15s %2d -> %2d nodes%s%n", record.pass(), record.nodesBefore(),
                    record.nodesAfter(), changed ? "" : "  (unchanged)"));
            steps.add(new Step(record, r.graph(), printed.getFirst(), changed));
            g = r.graph();
        }
        return steps;
    }

    /** {@code graph} as text, every value noted with its shape and dtype for the request's inputs. */
    private static String annotated(Graph graph, CompileRequest request, Map<String, Shape> extraShapes) {
        Map<String, Shape> shapes = new HashMap<>(extraShapes);
        Map<String, DType> types = new HashMap<>();
        for (int k = 0; k < request.inputs().size(); k++) {
            shapes.put(request.inputs().get(k), request.shapes().get(k));
            types.put(request.inputs().get(k), request.dtypes().get(k));
        }
        for (String head : extraShapes.keySet()) {
            types.put(head, DType.FLOAT32);
        }
        InferenceResult<Shape> s = ShapeInference.infer(graph, shapes);
        InferenceResult<DType> t = TypeInference.infer(graph, types);
        return GraphText.format(graph, e -> s.entry(e) + " " + t.entry(e)).strip();
    }

    /**
     * The head-gradient variables of a gradient-compiled graph (its variables that are not request inputs), each
     * shaped like the forward output it stands for; this block has one output.
     */
    private Map<String, Shape> headShapes(CompileRequest train) {
        Graph g = training.compiledGraph();
        Map<String, Shape> heads = new HashMap<>();
        for (int i : g.variableNodes()) {
            if (!train.inputs().contains(g.node(i).name())) {
                heads.put(g.node(i).name(), y.shape());
            }
        }
        return heads;
    }

    private static String classOf(Map<String, String> classes, String prefix) {
        return classes.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no generated class " + prefix + "* in "
                        + classes.keySet()));
    }

    /** The listing of the method whose header line starts with {@code header} (indented by two), to its end. */
    static String method(String listing, String header) {
        List<String> lines = listing.lines().toList();
        int[] range = methodLines(lines, header, listing);
        return String.join("\n", lines.subList(range[0], range[1]));
    }

    /** The listing without the method whose header starts with {@code header}, nor its access-flags comment. */
    static String withoutMethod(String listing, String header) {
        List<String> lines = new ArrayList<>(listing.lines().toList());
        int[] range = methodLines(lines, header, listing);
        int from = range[0] > 0 && lines.get(range[0] - 1).startsWith("  // access flags") ? range[0] - 1 : range[0];
        int to = range[1] < lines.size() && lines.get(range[1]).isBlank() ? range[1] + 1 : range[1];
        lines.subList(from, to).clear();
        return String.join("\n", lines).strip();
    }

    /** The first line of the method and the line after its last. */
    private static int[] methodLines(List<String> lines, String header, String listing) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("  " + header)) {
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).isBlank() && !lines.get(end).equals("}")) {
                    end++;
                }
                return new int[] {i, end};
            }
        }
        throw new AssertionError("no method " + header + " in\n" + listing);
    }
}
