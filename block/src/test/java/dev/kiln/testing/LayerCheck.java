package dev.kiln.testing;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.autograd.GradientChecker;
import dev.kiln.block.Differential;
import dev.kiln.block.DifferentialReport;
import dev.kiln.block.HybridBlock;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks every layer gets, on an initialised block and its inputs: the eager outputs have the expected shapes;
 * shape inference alone predicts them; the traced graph ({@code hybridForward} on Symbols) computes the same values
 * as the eager forward; the graph's gradients with respect to inputs and trainable parameters match central
 * differences; the eager gradients equal the graph's; and the block hybridized (every graph compiled, even while
 * recording) computes the eager outputs and gradients, checked by {@link Differential} with the same tolerances.
 * Runs in predict mode unless {@link #training} is set; random ops see the same draws on every path.
 */
public final class LayerCheck {
    private static final long SEED = 7;
    private final HybridBlock block;
    private final List<NDArray> inputs;
    private final List<Shape> expected = new ArrayList<>();
    private boolean training;
    private boolean gradient = true;
    private boolean finiteDifferences = true;
    private boolean float32;
    private double rtol = 1e-5;
    private double atol = 1e-6;
    private double gradRtol = 1e-3;
    private double gradAtol = 1e-5;
    private double eps = 1e-4;
    private String notHybridized;

    private LayerCheck(HybridBlock block, List<NDArray> inputs) {
        this.block = block;
        this.inputs = inputs;
    }

    /** Checks {@code block} (initialised, deferred parameters allowed) on {@code inputs}. */
    public static LayerCheck of(HybridBlock block, NDArray... inputs) {
        return new LayerCheck(block, java.util.Arrays.asList(inputs));
    }

    /** The shape each output must have, in order. */
    public LayerCheck expectShapes(Shape... shapes) {
        expected.addAll(List.of(shapes));
        return this;
    }

    /** The shape of the only output. */
    public LayerCheck expectShape(int... dims) {
        return expectShapes(Shape.of(dims));
    }

    /** Runs every check in training mode (Dropout active, BatchNorm on batch statistics). */
    public LayerCheck training(boolean t) {
        this.training = t;
        return this;
    }

    /** Tolerance of eager vs graph values (default 1e-5 relative, 1e-6 absolute). */
    public LayerCheck tolerance(double relative, double absolute) {
        this.rtol = relative;
        this.atol = absolute;
        return this;
    }

    /** Tolerance and step of the finite-difference check (defaults 1e-3, 1e-5, step 1e-4), in float64. */
    public LayerCheck gradientTolerance(double relative, double absolute, double step) {
        this.gradRtol = relative;
        this.gradAtol = absolute;
        this.eps = step;
        return this;
    }

    /**
     * Runs the finite-difference check in float32 instead of float64, for layers whose op kernels take float32 only
     * (InstanceNorm, as in MXNet); give a larger step and looser tolerances with it.
     */
    public LayerCheck float32Gradients() {
        this.float32 = true;
        return this;
    }

    /** Skips the finite-difference check (for layers with nothing differentiable). */
    public LayerCheck withoutGradientCheck() {
        this.gradient = false;
        return this;
    }

    /**
     * Keeps the eager-vs-graph gradient comparison but skips the finite differences, for whole models with too
     * many parameters to move one coordinate at a time (their layers are checked one by one).
     */
    public LayerCheck withoutFiniteDifferences() {
        this.finiteDifferences = false;
        return this;
    }

    /**
     * Skips the eager-vs-hybridized comparison, for a layer that genuinely cannot be compared; {@code reason} says
     * why and is required.
     */
    public LayerCheck withoutHybridCheck(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("withoutHybridCheck needs the reason the layer cannot be compared");
        }
        this.notHybridized = reason;
        return this;
    }

    /** Runs the checks and returns the eager outputs. */
    public List<NDArray> run() {
        List<NDArray> eager = eagerOutputs();
        if (!expected.isEmpty()) {
            assertThat(shapes(eager)).as("output shapes of " + block.name()).isEqualTo(expected);
        }
        List<Shape> inShapes = new ArrayList<>();
        boolean[] present = new boolean[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            present[i] = inputs.get(i) != null;
            inShapes.add(present[i] ? inputs.get(i).shape() : null);
        }
        assertThat(block.inferShape(inShapes.toArray(Shape[]::new))).as("inferred output shapes of " + block.name())
                .isEqualTo(shapes(eager));

        Symbol traced = block.trace(present);
        Graph graph = traced.graph();
        Map<String, NDArray> args = arguments();
        Random.seed(SEED);
        List<NDArray> fromGraph = Interpreter.eval(graph, copies(args), training);
        assertThat(fromGraph).hasSameSizeAs(eager);
        for (int i = 0; i < eager.size(); i++) {
            NDArrayAssert.assertThat(fromGraph.get(i)).as("output " + i + " traced vs eager")
                    .isCloseTo(eager.get(i), rtol, atol);
        }
        if (gradient) {
            checkGradients(graph, args);
        }
        if (notHybridized == null) {
            checkHybridized(eager, graph);
        }
        return eager;
    }

    /**
     * Eager vs hybridized with every graph compiled, with dynamic and with static shapes: the forward alone, then
     * (unless gradients are not checked) forward and backward under record with random head gradients. A graph without ops has nothing to compile:
     * the call returns its inputs, as eagerly.
     */
    private void checkHybridized(List<NDArray> eager, Graph graph) {
        checkHybridized(eager, graph, HybridizeOptions.builder().inlineLimit(0).build());
        // static shapes let the jit fuse broadcasts and row reductions (softmax, LayerNorm, sum...) as well
        checkHybridized(eager, graph, HybridizeOptions.builder().inlineLimit(0).staticAlloc(true).staticShape(true)
                .build());
    }

    private void checkHybridized(List<NDArray> eager, Graph graph, HybridizeOptions compiled) {
        boolean hasOps = graph.nodes().stream().anyMatch(n -> n instanceof OpNode);
        DifferentialReport forward = Differential.of(block).inputs(inputs).training(training).seed(SEED)
                .options(compiled).gradients(false).run().assertWithin(rtol, atol);
        assertThat(forward.compiledGraphs()).as("compiled graphs of " + block.name()).isEqualTo(hasOps ? 1 : 0);
        if (!gradient) {
            return;
        }
        Random.seed(SEED + 1);
        NDArray[] heads = new NDArray[eager.size()];
        for (int k = 0; k < heads.length; k++) {
            NDArray y = eager.get(k);
            heads[k] = y.dtype().isFloating() ? Random.uniform(-1, 1, y.shape().dims()) : null;
        }
        DifferentialReport backward = Differential.of(block).inputs(inputs).training(training).seed(SEED)
                .options(compiled).headGradients(heads).run().assertWithin(rtol, atol);
        assertThat(backward.compiledGraphs()).as("compiled graphs of " + block.name()).isEqualTo(hasOps ? 1 : 0);
    }

    private List<NDArray> eagerOutputs() {
        Random.seed(SEED);
        try (var ignored = training ? Autograd.trainMode() : Autograd.predictMode()) {
            return block.callAll(inputs);
        }
    }

    /** Inputs by Gluon's names, then every parameter's data by full name. */
    private Map<String, NDArray> arguments() {
        Map<String, NDArray> args = new LinkedHashMap<>();
        List<String> names = inputNames();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) != null) {
                args.put(names.get(i), inputs.get(i));
            }
        }
        block.collectParams().asMap().forEach((k, p) -> args.put(k, p.data()));
        return args;
    }

    private void checkGradients(Graph graph, Map<String, NDArray> args) {
        List<String> names = new ArrayList<>(args.keySet());
        List<Integer> wrt = new ArrayList<>();
        Map<String, Parameter> params = block.collectParams().asMap();
        for (int i = 0; i < names.size(); i++) {
            Parameter p = params.get(names.get(i));
            boolean trainable = p == null ? args.get(names.get(i)).dtype().isFloating() : p.gradReq() != GradReq.NULL;
            if (trainable) {
                wrt.add(i);
            }
        }
        GradientChecker checker = GradientChecker.forFunction(block.name(), xs -> {
            Map<String, NDArray> m = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                m.put(names.get(i), xs.get(i));
            }
            return Interpreter.eval(graph, m, training);
        }).training(training).seed(SEED).tolerance(gradRtol, gradAtol).eps(eps)
                .wrt(wrt.stream().mapToInt(Integer::intValue).toArray());
        if (float32) {
            checker.float32();
        }
        if (finiteDifferences) {
            checker.verify(copies(args).values().toArray(NDArray[]::new));
        }
        compareEagerGradients(graph, args, names, wrt);
    }

    /** The eager block's gradients must equal the graph's, for the same head gradients. */
    private void compareEagerGradients(Graph graph, Map<String, NDArray> args, List<String> names,
                                       List<Integer> wrt) {
        List<NDArray> eagerVars = new ArrayList<>();
        Map<String, NDArray> graphArgs = copies(args);
        List<NDArray> graphVars = new ArrayList<>();
        List<NDArray> eagerInputs = new ArrayList<>();
        for (NDArray x : inputs) {
            eagerInputs.add(x == null ? null : x.copy());
        }
        for (int i : wrt) {
            String n = names.get(i);
            graphVars.add(graphArgs.get(n).attachGrad());
        }
        List<NDArray> eagerOut;
        Random.seed(SEED);
        try (var ignored = Autograd.record(training)) {
            for (int i : wrt) {
                String n = names.get(i);
                Parameter p = block.collectParams().asMap().get(n);
                eagerVars.add(p != null ? p.data() : eagerInputs.get(inputIndex(n)).attachGrad());
            }
            eagerOut = block.callAll(eagerInputs);
        }
        List<NDArray> heads = new ArrayList<>();
        for (NDArray y : eagerOut) {
            heads.add(Random.uniform(-1, 1, y.shape().dims()));
        }
        List<NDArray> eagerGrads = Autograd.grad(eagerOut, eagerVars, heads, false, false);
        List<NDArray> graphOut;
        Random.seed(SEED);
        try (var ignored = Autograd.record(training)) {
            graphOut = Interpreter.eval(graph, graphArgs, training);
        }
        List<NDArray> graphGrads = Autograd.grad(graphOut, graphVars, heads, false, false);
        for (int k = 0; k < wrt.size(); k++) {
            NDArrayAssert.assertThat(eagerGrads.get(k)).as("eager vs graph gradient of " + names.get(wrt.get(k)))
                    .isCloseTo(graphGrads.get(k), rtol, atol);
        }
    }

    private int inputIndex(String name) {
        int i = inputNames().indexOf(name);
        if (i < 0) {
            throw new IllegalStateException("no input " + name);
        }
        return i;
    }

    private List<String> inputNames() {
        boolean[] present = new boolean[inputs.size()];
        for (int i = 0; i < present.length; i++) {
            present[i] = inputs.get(i) != null;
        }
        return HybridBlock.inputNames(present);
    }

    private static Map<String, NDArray> copies(Map<String, NDArray> args) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        args.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    private static List<Shape> shapes(List<NDArray> arrays) {
        List<Shape> out = new ArrayList<>();
        for (NDArray a : arrays) {
            out.add(a.shape());
        }
        return out;
    }
}
