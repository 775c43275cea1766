package dev.kiln.compiler.random;

import dev.kiln.compiler.Backend;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.InterpreterBackend;
import dev.kiln.compiler.pass.PassScope;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Runs one random graph on every backend and on the reference {@code interpreter} and compares: in inference mode
 * ({@code infer}, then {@code run} on other inputs) and in training mode ({@code run}, then, when the graph is
 * differentiable, {@code backward} with random head gradients for every float argument), the outputs, the inputs
 * after the call (auxiliary states an op updates in place) and the gradients, by the backend's
 * {@link Tolerance}. A graph compiled without static shapes also runs on inputs of other shapes where every value keeps
 * its rank and the reference accepts them. The compiled graph and memory plan must be readable too. Random ops draw the same numbers everywhere: the global generator is reseeded before each call.
 */
final class BackendCheck {
    /** What one graph's check found. */
    enum Outcome { AGREE, REFERENCE_FAILED, DIFFER }

    /** The outcome and, for {@link Outcome#DIFFER} and {@link Outcome#REFERENCE_FAILED}, what happened. */
    record Result(Outcome outcome, String detail) {
    }

    private final java.util.Collection<Backend> backends;

    /** A check of these backends against the reference. */
    BackendCheck(java.util.Collection<Backend> backends) {
        this.backends = List.copyOf(backends);
    }

    /** The reference: the interpreter on the graph as traced, whatever {@code kiln.compiler.passes} says. */
    private static final Backend REFERENCE = new InterpreterBackend(Backends.INTERPRETER, PassScope.NONE);

    /**
     * A check of every backend of {@link Backends#available()}; {@code interpreter} itself only when
     * {@code kiln.compiler.passes} gives it passes.
     */
    static BackendCheck allBackends() {
        return new BackendCheck(Backends.available().values().stream().filter(b -> !(b instanceof InterpreterBackend i
                && i.name().equals(Backends.INTERPRETER) && i.passes() == PassScope.NONE)).toList());
    }

    /** Checks {@code g} on every backend of this check against the reference. */
    Result check(RandomGraph g) {
        for (boolean training : new boolean[] {false, true}) {
            CompileRequest request = request(g, training);
            List<Slot> expected;
            boolean resized = !request.staticShapes() && g.resizedInputs() != null;
            try {
                expected = execute(REFERENCE, request, g, resized);
            } catch (RuntimeException | StackOverflowError e) {
                resized = false;
                try {
                    expected = execute(REFERENCE, request, g, false);
                } catch (RuntimeException | StackOverflowError again) {
                    return new Result(Outcome.REFERENCE_FAILED, (training ? "training" : "inference") + ": " + again);
                }
            }
            for (Backend backend : backends) {
                String where = "backend '" + backend.name() + "', " + (training ? "training" : "inference")
                        + " (gradients of " + request.gradients() + ", " + request.numHeads() + " heads, staticShapes="
                        + request.staticShapes() + ", staticAlloc=" + request.staticAlloc() + ")";
                List<Slot> actual;
                try {
                    actual = execute(backend, request, g, resized);
                } catch (RuntimeException | StackOverflowError | AssertionError e) {
                    java.io.StringWriter trace = new java.io.StringWriter();
                    e.printStackTrace(new java.io.PrintWriter(trace));
                    return new Result(Outcome.DIFFER, where + " failed where the reference ran:\n" + trace);
                }
                String diff = compare(expected, actual, Tolerance.of(backend.name()));
                if (diff != null) {
                    return new Result(Outcome.DIFFER, where + ": " + diff);
                }
            }
        }
        return new Result(Outcome.AGREE, null);
    }

    /** One compared array: what it is and its value. */
    private record Slot(String label, NDArray value) {
    }

    private static CompileRequest request(RandomGraph g, boolean training) {
        Graph graph = g.graph();
        Random rnd = new Random(g.seed() ^ (training ? 0x5eed : 0));
        Set<String> aux = new HashSet<>();
        for (int i : graph.auxiliaryNodes()) {
            aux.add(graph.node(i).name());
        }
        java.util.Map<String, DType> types = new java.util.HashMap<>();
        g.variables().forEach(v -> types.put(v.name(), v.dtype()));
        var inferred = TypeInference.infer(graph, types);
        int floatOutputs = 0;
        for (var e : graph.outputs()) {
            floatOutputs += inferred.entry(e).isFloating() ? 1 : 0;
        }
        List<String> grads = new ArrayList<>();
        if (training && floatOutputs > 0 && differentiable(graph)) {
            for (VariableSpec v : g.variables()) {
                if (v.dtype().isFloating() && !aux.contains(v.name()) && !v.domain().indices()) {
                    grads.add(v.name());
                }
            }
        }
        int heads = grads.isEmpty() ? graph.outputs().size() : 1 + rnd.nextInt(floatOutputs);
        return new CompileRequest(graph, g.variables().stream().map(VariableSpec::name).toList(),
                g.variables().stream().map(VariableSpec::shape).toList(),
                g.variables().stream().map(VariableSpec::dtype).toList(), training, grads, rnd.nextBoolean(),
                rnd.nextBoolean(), heads);
    }

    private static boolean differentiable(Graph graph) {
        for (Node n : graph.nodes()) {
            if (n instanceof OpNode op && !op.op().isDifferentiable() && !op.op().hasZeroGradient()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Two calls of the compiled graph (the generated inputs, then other ones) and, if {@code resized}, a third on
     * inputs of other shapes ({@link RandomGraph#resizedInputs}), everything they produce.
     */
    private static List<Slot> execute(Backend backend, CompileRequest request, RandomGraph g, boolean resized) {
        CompiledGraph compiled = backend.compile(request);
        // explain() reads both; neither may fail on a graph the backend runs
        compiled.compiledGraph();
        compiled.memoryPlan();
        List<Slot> out = new ArrayList<>();
        for (int call = 0; call < (resized ? 3 : 2); call++) {
            NDArray[] in = call == 0 ? g.inputs() : call == 1 ? g.otherInputs(call) : g.resizedInputs();
            dev.kiln.random.Random.seed(g.seed() + call);
            String c = "call " + (call + 1) + ", ";
            if (!request.training() && call == 0) {
                add(out, c + "output ", compiled.infer(in), request.graph());
            } else {
                CompiledGraph.Execution run = compiled.run(in);
                add(out, c + "output ", run.outputs(), request.graph());
                if (request.needsGradients()) {
                    NDArray[] heads = heads(run.outputs(), request.numHeads(), g.seed() + call);
                    NDArray[] grads = run.backward(heads);
                    for (int k = 0; k < grads.length; k++) {
                        out.add(new Slot(c + "gradient of '" + request.gradients().get(k) + "'", grads[k]));
                    }
                }
            }
            for (int k = 0; k < in.length; k++) {
                out.add(new Slot(c + "input '" + request.inputs().get(k) + "' after the call", in[k]));
            }
        }
        return out;
    }

    private static void add(List<Slot> out, String prefix, NDArray[] values, Graph graph) {
        for (int k = 0; k < values.length; k++) {
            var e = graph.outputs().get(k);
            out.add(new Slot(prefix + k + " (" + graph.node(e.node()).name() + "[" + e.output() + "])", values[k]));
        }
    }

    private static NDArray[] heads(NDArray[] outputs, int n, long seed) {
        Random rnd = new Random(seed * 17 + 3);
        NDArray[] h = new NDArray[n];
        for (int k = 0; k < n; k++) {
            h[k] = Domain.SIGNED.sample(rnd, outputs[k].shape(), outputs[k].dtype());
        }
        return h;
    }

    /** The first difference between the reference's slots and a backend's, or null if they agree. */
    private static String compare(List<Slot> expected, List<Slot> actual, Tolerance tol) {
        if (expected.size() != actual.size()) {
            return "the reference produced " + expected.size() + " arrays, the backend " + actual.size();
        }
        for (int i = 0; i < expected.size(); i++) {
            NDArray e = expected.get(i).value();
            NDArray a = actual.get(i).value();
            String label = expected.get(i).label();
            if (!e.shape().equals(a.shape()) || e.dtype() != a.dtype()) {
                return label + ": expected " + e.shape() + " " + e.dtype() + " but got " + a.shape() + " " + a.dtype();
            }
            double[] ev = e.toDoubleArray();
            double[] av = a.toDoubleArray();
            for (int j = 0; j < ev.length; j++) {
                if (!tol.accepts(e.dtype(), ev[j], av[j])) {
                    return label + ", shape " + e.shape() + " " + e.dtype() + ", element "
                            + Arrays.toString(unravel(e.shape(), j)) + ": expected " + ev[j] + " but got " + av[j]
                            + " (tolerance " + tol + ")";
                }
            }
        }
        return null;
    }

    private static int[] unravel(Shape s, int flat) {
        return s.rank() == 0 ? new int[0] : s.unravel(flat);
    }
}
