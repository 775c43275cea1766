package dev.kiln.compiler.pass;

import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.Variable;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.symbol.Symbol;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Builds small graphs for the pass tests and checks a pass against the reference interpreter. */
final class PassTesting {
    private PassTesting() {
    }

    /** Op {@code op} applied to {@code inputs}, its node named {@code name}; its first visible output. */
    static Symbol op(String op, String name, Map<String, ?> attrs, Symbol... inputs) {
        Map<String, Object> all = new LinkedHashMap<>(attrs);
        all.put("name", name);
        return sym.apply(op, all, List.of(inputs)).get(0);
    }

    static Symbol op(String op, String name, Symbol... inputs) {
        return op(op, name, Map.of(), inputs);
    }

    static Symbol var(String name) {
        return Symbol.var(name);
    }

    /** A context with these float32 variable shapes ({@code "x", Shape.of(2, 3), ...}). */
    static PassContext.Builder context(Object... namesAndShapes) {
        PassContext.Builder b = PassContext.builder().staticShapes(true);
        for (int k = 0; k < namesAndShapes.length; k += 2) {
            String name = (String) namesAndShapes[k];
            b.shape(name, (Shape) namesAndShapes[k + 1]).dtype(name, DType.FLOAT32);
        }
        return b;
    }

    /** The built-in pass {@code name} applied to {@code graph}. */
    static Graph apply(String name, Graph graph, PassContext ctx) {
        return PassPipeline.pass(name).apply(graph, ctx);
    }

    /** Uniform values in [-2, 2) for every variable the context gives a shape of and no constant for. */
    static Map<String, NDArray> randomInputs(Graph graph, PassContext ctx, long seed) {
        Random rnd = new Random(seed);
        Map<String, NDArray> in = new HashMap<>(ctx.constants());
        for (int i : graph.variableNodes()) {
            String name = graph.node(i).name();
            if (in.containsKey(name)) {
                continue;
            }
            Shape s = ctx.inputShapes().get(name);
            DType t = ctx.inputTypes().getOrDefault(name, DType.FLOAT32);
            double[] v = new double[s.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = t.isIntegral() ? rnd.nextInt(7) - 3 : rnd.nextDouble() * 4 - 2;
            }
            in.put(name, NDArray.of(s, t, v));
        }
        return in;
    }

    /**
     * Runs both graphs with the interpreter on the same random inputs, the random generator reseeded before each, and
     * checks every output agrees in shape, dtype and value.
     */
    static void assertSameOutputs(Graph before, Graph after, PassContext ctx) {
        assertThat(after.outputs()).hasSameSizeAs(before.outputs());
        for (long seed = 1; seed <= 3; seed++) {
            Map<String, NDArray> inputs = randomInputs(before, ctx, seed);
            List<NDArray> expected = eval(before, inputs, ctx.training(), seed);
            List<NDArray> actual = eval(after, inputs, ctx.training(), seed);
            for (int k = 0; k < expected.size(); k++) {
                assertThat(actual.get(k)).hasDType(expected.get(k).dtype()).isCloseTo(expected.get(k), 1e-6, 1e-7);
            }
        }
    }

    /** Both graphs run on the same inputs and seed give some output element that differs. */
    static void assertDiffer(Graph a, Graph b, PassContext ctx) {
        Map<String, NDArray> inputs = randomInputs(a, ctx, 1);
        List<NDArray> x = eval(a, inputs, ctx.training(), 1);
        List<NDArray> y = eval(b, inputs, ctx.training(), 1);
        boolean differ = false;
        for (int k = 0; k < x.size(); k++) {
            differ |= !Arrays.equals(x.get(k).toDoubleArray(), y.get(k).toDoubleArray());
        }
        assertThat(differ).as("outputs differ").isTrue();
    }

    private static List<NDArray> eval(Graph g, Map<String, NDArray> inputs, boolean training, long seed) {
        dev.kiln.random.Random.seed(seed);
        boolean was = OpContext.setRecording(false);
        try {
            return Interpreter.eval(g, copies(inputs), training);
        } finally {
            OpContext.setRecording(was);
        }
    }

    /** Fresh copies, so ops that update inputs in place (BatchNorm in training) start alike in both runs. */
    private static Map<String, NDArray> copies(Map<String, NDArray> inputs) {
        Map<String, NDArray> out = new HashMap<>();
        inputs.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    /** The names of the graph's nodes, in order. */
    static List<String> names(Graph g) {
        return g.nodes().stream().map(n -> n.name()).toList();
    }

    /** The names of the graph's op nodes applying {@code op}. */
    static List<String> nodesApplying(Graph g, String op) {
        return g.nodes().stream().filter(n -> n instanceof dev.kiln.graph.OpNode o && o.op().name().equals(op))
                .map(n -> n.name()).toList();
    }

    /** True if the graph has a variable named {@code name}. */
    static boolean hasVariable(Graph g, String name) {
        return g.nodes().stream().anyMatch(n -> n instanceof Variable && n.name().equals(name));
    }

    static String lines(String... lines) {
        return String.join("\n", Arrays.asList(lines)) + "\n";
    }
}
