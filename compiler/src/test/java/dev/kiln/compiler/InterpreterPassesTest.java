package dev.kiln.compiler;

import dev.kiln.compiler.pass.PassScope;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class InterpreterPassesTest {
    private static final List<String> INPUTS = List.of("x", "w", "b", "gamma", "beta", "mean", "var");
    private static final List<Shape> SHAPES = List.of(Shape.of(4, 5), Shape.of(3, 5), Shape.of(3), Shape.of(3),
            Shape.of(3), Shape.of(3), Shape.of(3));

    private static Symbol op(String op, String name, Map<String, ?> attrs, Symbol... in) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(attrs);
        all.put("name", name);
        return sym.apply(op, all, List.of(in)).get(0);
    }

    /**
     * A dense layer, BatchNorm and Dropout with work for every pass: a copy and an identity scale, the dense output
     * computed twice, a constant shift; the second output is a tap. Its gradient graph repeats much of it.
     */
    private static Graph net() {
        Symbol x = op("_copy", "xc", Map.of(), Symbol.var("x"));
        Symbol w = Symbol.var("w");
        Symbol b = Symbol.var("b");
        Symbol fc1 = op("FullyConnected", "fc1", Map.of("num_hidden", 3), x, w, b);
        Symbol fc2 = op("FullyConnected", "fc2", Map.of("num_hidden", 3), x, w, b);
        Symbol h = op("elemwise_mul", "h", Map.of(), op("_mul_scalar", "one", Map.of("scalar", 1.0), fc1), fc2);
        Symbol bn = op("BatchNorm", "bn", Map.of(), h, Symbol.var("gamma"), Symbol.var("beta"), Symbol.var("mean"),
                Symbol.var("var"));
        Symbol shift = op("_plus_scalar", "shift", Map.of("scalar", 0.5),
                op("_ones", "ones", Map.of("shape", new int[] {4, 3})));
        Symbol y = op("Dropout", "drop", Map.of("p", 0.3), op("elemwise_add", "shifted", Map.of(), bn, shift));
        return Symbol.group(op("tanh", "y", Map.of(), y), op("sigmoid", "tap", Map.of(), fc1)).graph();
    }

    private static CompileRequest request(boolean training, List<String> gradients) {
        return new CompileRequest(net(), INPUTS, SHAPES, Collections.nCopies(INPUTS.size(), DType.FLOAT32), training,
                gradients, false, false, 1);
    }

    private static NDArray[] inputs() {
        Random rnd = new Random(7);
        NDArray[] in = new NDArray[SHAPES.size()];
        for (int k = 0; k < in.length; k++) {
            double[] v = new double[SHAPES.get(k).size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = INPUTS.get(k).equals("var") ? 0.5 + rnd.nextDouble() : rnd.nextDouble() * 2 - 1;
            }
            in[k] = NDArray.of(SHAPES.get(k), DType.FLOAT32, v);
        }
        return in;
    }

    /** Outputs, then the gradients, then the moving statistics after the run, for one scope. */
    private static List<NDArray> run(CompileRequest request, PassScope scope) {
        CompiledGraph compiled = new InterpreterBackend("test", scope).compile(request);
        NDArray[] in = inputs();
        dev.kiln.random.Random.seed(11);
        CompiledGraph.Execution run = compiled.run(in);
        List<NDArray> all = new ArrayList<>(List.of(run.outputs()));
        if (request.needsGradients()) {
            NDArray head = NDArray.of(Shape.of(4, 3), DType.FLOAT32, 1, -2, 3, 0.5, 1, 1, -1, 2, 0.25, 1, 1, 3);
            all.addAll(List.of(run.backward(new NDArray[] {head})));
            all.addAll(List.of(run.backward(new NDArray[] {head})));
        }
        all.add(in[5]);
        all.add(in[6]);
        return all;
    }

    private static void assertSameResults(CompileRequest request) {
        List<NDArray> reference = run(request, PassScope.NONE);
        for (PassScope scope : List.of(PassScope.FORWARD, PassScope.FULL)) {
            List<NDArray> optimised = run(request, scope);
            assertThat(optimised).hasSameSizeAs(reference);
            for (int k = 0; k < reference.size(); k++) {
                assertThat(optimised.get(k)).as(scope + " value " + k).isCloseTo(reference.get(k), 1e-5, 1e-6);
            }
        }
    }

    @Test
    void optimisedTrainingGraphsGiveTheReferenceOutputsGradientsAndStatistics() {
        assertSameResults(request(true, List.of("x", "w", "b", "gamma", "beta")));
    }

    @Test
    void optimisedGraphsRecordedInPredictModeGiveTheReferenceGradients() {
        assertSameResults(request(false, List.of("x", "w")));
    }

    @Test
    void optimisedInferenceGraphsGiveTheReferenceOutputs() {
        assertSameResults(request(false, List.of()));
    }

    @Test
    void passesShrinkTheForwardAndTheBackward() {
        CompileRequest training = request(true, List.of("x", "w", "b", "gamma", "beta"));
        int none = new InterpreterBackend("n", PassScope.NONE).compile(training).compiledGraph().size();
        int forward = new InterpreterBackend("f", PassScope.FORWARD).compile(training).compiledGraph().size();
        int full = new InterpreterBackend("a", PassScope.FULL).compile(training).compiledGraph().size();

        assertThat(forward).isLessThan(none);
        assertThat(full).isLessThan(forward);
    }

    @Test
    void theOptimisingInterpreterIsAvailableByName() {
        Backend b = Backends.get(Backends.INTERPRETER_OPT);

        assertThat(((InterpreterBackend) b).passes()).isEqualTo(PassScope.FULL);
        assertThat(Backends.available()).containsKeys(Backends.INTERPRETER, Backends.INTERPRETER_OPT);
    }
}
