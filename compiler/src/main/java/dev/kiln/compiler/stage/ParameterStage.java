package dev.kiln.compiler.stage;

import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.pass.ConstantOp;
import dev.kiln.compiler.pass.ParameterDependence;
import dev.kiln.compiler.pass.PassContext;
import dev.kiln.compiler.pass.PassPipeline;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Splits an inference graph into the part that depends only on parameters ({@link CompileRequest#parameters()}) and
 * constants, the <em>parameter stage</em>, and the rest, which reads the stage's results as inputs. The stage runs
 * once and again only when one of its parameter arrays is replaced or written ({@link StagedGraph}); the rest is
 * compiled by the backend. This is what makes inference-time folding pay: {@code W * s} of a folded BatchNorm is
 * computed when the parameters change, not in every call. The one entry point backends call is {@link #compile}.
 */
public final class ParameterStage {
    private ParameterStage() {
    }

    /**
     * {@code request} compiled by {@code backend}, behind a parameter stage when the request is for inference only
     * (no training, no gradients), names parameters, and its graph after the standard inference passes has op nodes
     * that depend only on them; otherwise {@code backend}'s graph as it is. {@code backend} must not itself apply
     * the stage (it receives the rest graph, with the stage's results as parameter inputs).
     */
    public static CompiledGraph compile(CompileRequest request, Function<CompileRequest, CompiledGraph> backend) {
        if (request.training() || request.needsGradients() || request.parameters().isEmpty()) {
            return backend.apply(request);
        }
        PassContext ctx = PassContext.of(request);
        if (!ctx.inferable(request.graph())) {
            return backend.apply(request);
        }
        Graph optimised = PassPipeline.standard(false).run(request.graph(), ctx).graph();
        Split split = split(optimised, request, ctx);
        if (split == null) {
            return backend.apply(request);
        }
        return new StagedGraph(request, split.stage(), split.stageInputs(), split.restInputs(),
                backend.apply(split.rest()));
    }

    /**
     * The parts of a graph.
     *
     * @param stage       the parameter stage: parameter variables and the nodes computed from them; its outputs are
     *                    the values the rest reads
     * @param stageInputs per stage variable (in {@link Graph#variableNodes()} order), its index in the request inputs
     * @param rest        the request for the rest: the original inputs it still reads (request order), then one
     *                    variable per stage output, marked as parameters
     * @param restInputs  per original input the rest reads, its index in the request inputs
     */
    record Split(Graph stage, int[] stageInputs, CompileRequest rest, int[] restInputs) {
    }

    /** The split of {@code graph} (the request's graph after passes), or {@code null} if nothing is worth staging. */
    static Split split(Graph graph, CompileRequest request, PassContext ctx) {
        int n = graph.size();
        ParameterDependence fixed = new ParameterDependence(graph::node, request.parameters(), false);
        BitSet outputNodes = new BitSet(n);
        for (Entry e : graph.outputs()) {
            outputNodes.set(e.node());
        }
        BitSet staged = new BitSet(n);
        for (int i = 0; i < n; i++) {
            if (graph.node(i) instanceof OpNode op && !isConstant(op) && !outputNodes.get(i) && fixed.isFixed(i)
                    && readsOnlyStageValues(graph, op, staged)) {
                staged.set(i);
            }
        }
        Set<Entry> frontier = new LinkedHashSet<>();
        BitSet readByRest = new BitSet(n);
        BitSet readByStage = new BitSet(n);
        for (int i = 0; i < n; i++) {
            for (Entry e : graph.node(i).inputs()) {
                if (staged.get(i)) {
                    readByStage.set(e.node());
                } else {
                    readByRest.set(e.node());
                    if (staged.get(e.node())) {
                        frontier.add(e);
                    }
                }
            }
        }
        for (Entry e : graph.outputs()) {
            readByRest.set(e.node());
        }
        if (frontier.isEmpty()) {
            return null;
        }
        List<Entry> stageOutputs = new ArrayList<>(frontier);
        stageOutputs.sort(Comparator.comparingInt(Entry::node).thenComparingInt(Entry::output));
        Graph stage = subgraph(graph, i -> staged.get(i) || readByStage.get(i), stageOutputs);
        CompileRequest rest = restRequest(graph, request, ctx, staged, readByRest, stageOutputs);
        int[] restInputs = new int[rest.inputs().size() - stageOutputs.size()];
        for (int k = 0; k < restInputs.length; k++) {
            restInputs[k] = request.inputs().indexOf(rest.inputs().get(k));
        }
        return new Split(stage, indices(stage.variableNodes(), stage, request.inputs()), rest, restInputs);
    }

    /** True if every input of {@code op} is a variable, a constant or a staged node. */
    private static boolean readsOnlyStageValues(Graph graph, OpNode op, BitSet staged) {
        for (Entry e : op.inputs()) {
            Node p = graph.node(e.node());
            if (!(p instanceof Variable) && !isConstant(p) && !staged.get(e.node())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isConstant(Node node) {
        return node instanceof OpNode op && op.op() instanceof ConstantOp;
    }

    /** The nodes {@code keep} selects (closed under inputs), in order, with {@code outputs} as outputs. */
    private static Graph subgraph(Graph graph, java.util.function.IntPredicate keep, List<Entry> outputs) {
        int[] index = new int[graph.size()];
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < graph.size(); i++) {
            index[i] = -1;
            if (keep.test(i)) {
                index[i] = nodes.size();
                nodes.add(renumbered(graph.node(i), index));
            }
        }
        List<Entry> outs = new ArrayList<>(outputs.size());
        for (Entry e : outputs) {
            outs.add(new Entry(index[e.node()], e.output()));
        }
        return new Graph(nodes, outs);
    }

    private static Node renumbered(Node node, int[] index) {
        if (!(node instanceof OpNode op)) {
            return node;
        }
        List<Entry> in = new ArrayList<>(op.inputs().size());
        for (Entry e : op.inputs()) {
            in.add(new Entry(index[e.node()], e.output()));
        }
        return op.withInputs(in);
    }

    /** Per variable node of {@code g}, the index of its name in {@code names}. */
    private static int[] indices(List<Integer> variableNodes, Graph g, List<String> names) {
        int[] out = new int[variableNodes.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = names.indexOf(g.node(variableNodes.get(k)).name());
        }
        return out;
    }

    /**
     * The request for the rest: staged nodes removed, each stage output read by the rest replaced by a variable named
     * after the node that computed it (numbered if that name is taken), shaped as inferred.
     */
    private static CompileRequest restRequest(Graph graph, CompileRequest request, PassContext ctx, BitSet staged,
                                              BitSet readByRest, List<Entry> stageOutputs) {
        InferenceResult<Shape> shapes = ctx.shapes(graph);
        InferenceResult<DType> types = ctx.types(graph);
        Set<String> taken = new HashSet<>();
        for (Node node : graph.nodes()) {
            taken.add(node.name());
        }
        Entry[][] map = new Entry[graph.size()][];
        List<Node> nodes = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<Shape> inputShapes = new ArrayList<>();
        List<DType> inputTypes = new ArrayList<>();
        Set<String> parameters = new HashSet<>();
        List<String> valueNames = new ArrayList<>();
        for (int i = 0; i < graph.size(); i++) {
            Node node = graph.node(i);
            map[i] = new Entry[node.numOutputs()];
            if (staged.get(i)) {
                for (int k = 0; k < node.numOutputs(); k++) {
                    Entry e = new Entry(i, k);
                    if (stageOutputs.contains(e)) {
                        String name = fresh(node.numOutputs() == 1 ? node.name() : node.name() + "_output" + k,
                                taken);
                        map[i][k] = new Entry(nodes.size(), 0);
                        nodes.add(new Variable(name));
                        valueNames.add(name);
                    }
                }
                continue;
            }
            boolean variable = node instanceof Variable;
            if (variable && request.parameters().contains(node.name()) && !readByRest.get(i)) {
                continue;
            }
            for (int k = 0; k < node.numOutputs(); k++) {
                map[i][k] = new Entry(nodes.size(), k);
            }
            nodes.add(variable ? node : remapped((OpNode) node, map));
        }
        List<Entry> outs = new ArrayList<>();
        for (Entry e : graph.outputs()) {
            outs.add(map[e.node()][e.output()]);
        }
        Graph rest = new Graph(nodes, outs);
        for (int k = 0; k < request.inputs().size(); k++) {
            String name = request.inputs().get(k);
            if (rest.indexOf(name) >= 0) {
                inputs.add(name);
                inputShapes.add(request.shapes().get(k));
                inputTypes.add(request.dtypes().get(k));
                if (request.parameters().contains(name)) {
                    parameters.add(name);
                }
            }
        }
        for (int k = 0; k < stageOutputs.size(); k++) {
            inputs.add(valueNames.get(k));
            inputShapes.add(shapes.entry(stageOutputs.get(k)));
            inputTypes.add(types.entry(stageOutputs.get(k)));
            parameters.add(valueNames.get(k));
        }
        return request.withGraph(rest, inputs, inputShapes, inputTypes, parameters);
    }

    private static OpNode remapped(OpNode op, Entry[][] map) {
        List<Entry> in = new ArrayList<>(op.inputs().size());
        for (Entry e : op.inputs()) {
            in.add(map[e.node()][e.output()]);
        }
        return op.withInputs(in);
    }

    private static String fresh(String base, Set<String> taken) {
        String name = base;
        for (int k = 1; taken.contains(name); k++) {
            name = base + "_" + k;
        }
        taken.add(name);
        return name;
    }
}
