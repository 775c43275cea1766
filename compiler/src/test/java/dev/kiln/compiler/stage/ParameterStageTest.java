package dev.kiln.compiler.stage;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class ParameterStageTest {
    /** Folded results agree with the unfolded reference within these (float32; see docs/COMPILER.md). */
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;
    private static final List<String> INPUTS = List.of("x", "w", "b", "gamma", "beta", "mean", "var");
    private static final Set<String> PARAMETERS = Set.of("w", "b", "gamma", "beta", "mean", "var");

    /** {@code relu(BatchNorm(Convolution(x, w, b)))}: 4 filters of 3x3 over 3 channels. */
    private static Graph convBatchNormRelu() {
        Symbol conv = sym.apply("Convolution", Map.of("name", "conv", "kernel", new int[] {3, 3}, "num_filter", 4,
                "pad", new int[] {1, 1}), List.of(Symbol.var("x"), Symbol.var("w"), Symbol.var("b"))).get(0);
        Symbol bn = sym.apply("BatchNorm", Map.of("name", "bn", "fix_gamma", false), List.of(conv,
                Symbol.var("gamma"), Symbol.var("beta"), Symbol.var("mean"), Symbol.var("var"))).get(0);
        return sym.apply("relu", Map.of("name", "act"), List.of(bn)).get(0).graph();
    }

    private static CompileRequest request(boolean training, Set<String> parameters) {
        List<Shape> shapes = List.of(Shape.of(2, 3, 5, 5), Shape.of(4, 3, 3, 3), Shape.of(4), Shape.of(4),
                Shape.of(4), Shape.of(4), Shape.of(4));
        return new CompileRequest(convBatchNormRelu(), INPUTS, shapes, Collections.nCopies(7, DType.FLOAT32),
                training, List.of(), true, false, 1, parameters);
    }

    private static NDArray[] inputs(long seed) {
        Random rnd = new Random(seed);
        CompileRequest r = request(false, PARAMETERS);
        NDArray[] in = new NDArray[INPUTS.size()];
        for (int k = 0; k < in.length; k++) {
            Shape s = r.shapes().get(k);
            double[] v = new double[s.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = INPUTS.get(k).equals("var") ? 0.2 + rnd.nextDouble() : rnd.nextDouble() * 2 - 1;
            }
            in[k] = NDArray.of(s, DType.FLOAT32, v);
        }
        return in;
    }

    /** The reference: the graph as traced, run by the interpreter without passes. */
    private static NDArray reference(NDArray[] inputs) {
        return Backends.get(Backends.INTERPRETER).compile(request(false, Set.of())).infer(inputs)[0];
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.INTERPRETER_OPT, Backends.JIT})
    void inferenceComputesTheFoldedWeightsOnceAcrossCalls(String backend) {
        CompiledGraph g = Backends.get(backend).compile(request(false, PARAMETERS));
        NDArray[] in = inputs(1);

        NDArray first = g.infer(in)[0];
        NDArray[] next = inputs(2);
        for (int k = 1; k < in.length; k++) {
            next[k] = in[k];
        }
        NDArray second = g.infer(next)[0];

        assertThat(g).isInstanceOf(StagedGraph.class);
        assertThat(((StagedGraph) g).stageRuns()).isEqualTo(1);
        assertThat(first).isCloseTo(reference(in), RTOL, ATOL);
        assertThat(second).isCloseTo(reference(next), RTOL, ATOL);
        String compiled = g.compiledGraph().toString();
        assertThat(compiled).doesNotContain("BatchNorm").contains("rsqrt");
        assertThat(g.compiledGraph().nodes().stream().filter(n -> n instanceof OpNode o
                && (o.op().name().equals("Convolution") || o.op().name().equals("_kiln_fused_conv"))).count())
                .as("one convolution (the jit fuses its epilogue)").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.INTERPRETER_OPT, Backends.JIT})
    void recomputesAfterAParameterIsWrittenOrReplaced(String backend) {
        CompiledGraph g = Backends.get(backend).compile(request(false, PARAMETERS));
        NDArray[] in = inputs(3);
        g.infer(in);

        in[INPUTS.indexOf("mean")].copyTo(in[INPUTS.indexOf("mean")]); // onto itself: nothing written
        assertFollows(g, in);
        in[INPUTS.indexOf("mean")].addInPlace(0.5);
        assertFollows(g, in);
        in[INPUTS.indexOf("var")].setDouble(2, 3.0);
        assertFollows(g, in);
        inputs(4)[INPUTS.indexOf("gamma")].copyTo(in[INPUTS.indexOf("gamma")]);
        assertFollows(g, in);
        in[INPUTS.indexOf("w")] = inputs(5)[INPUTS.indexOf("w")];
        assertFollows(g, in);
        in[INPUTS.indexOf("beta")].reshape(2, 2).fill(0.25);
        assertFollows(g, in);

        assertThat(((StagedGraph) g).stageRuns()).isEqualTo(6);
    }

    /** The compiled graph gives the reference result for the parameters as they are now. */
    private static void assertFollows(CompiledGraph g, NDArray[] in) {
        assertThat(g.infer(in)[0]).isCloseTo(reference(in), RTOL, ATOL);
    }

    @Test
    void concurrentCallsShareOneStageAndGiveTheReferenceResult() throws Exception {
        CompiledGraph g = Backends.get(Backends.JIT).compile(request(false, PARAMETERS));
        NDArray[] params = inputs(6);
        List<NDArray[]> calls = new ArrayList<>();
        List<NDArray> references = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            NDArray[] in = params.clone();
            in[0] = inputs(10 + t)[0];
            calls.add(in);
            references.add(reference(in));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<NDArray>>> results = new ArrayList<>();
            for (NDArray[] in : calls) {
                results.add(pool.submit(() -> {
                    List<NDArray> outs = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        outs.add(g.infer(in)[0]);
                    }
                    return outs;
                }));
            }
            for (int t = 0; t < 8; t++) {
                for (NDArray out : results.get(t).get()) {
                    assertThat(out).isCloseTo(references.get(t), RTOL, ATOL);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(((StagedGraph) g).stageRuns()).isEqualTo(1);
    }

    @Test
    void trainingRequestsAndRequestsWithoutParametersAreNotStaged() {
        assertThat(Backends.get(Backends.JIT).compile(request(true, PARAMETERS))).isNotInstanceOf(StagedGraph.class);
        assertThat(Backends.get(Backends.JIT).compile(request(false, Set.of()))).isNotInstanceOf(StagedGraph.class);
        assertThat(Backends.get(Backends.INTERPRETER).compile(request(false, PARAMETERS)))
                .isNotInstanceOf(StagedGraph.class);
    }

    @Test
    void theStageHoldsOnlyValuesComputedFromParameters() {
        CompileRequest r = request(false, PARAMETERS);
        StagedGraph g = (StagedGraph) Backends.get(Backends.INTERPRETER_OPT).compile(r);
        Graph joined = g.compiledGraph();
        int conv = -1;
        for (int i = 0; i < joined.size(); i++) {
            if (joined.node(i) instanceof OpNode o && o.op().name().equals("Convolution")) {
                conv = i;
            }
        }
        assertThat(conv).isPositive();
        assertThat(joined.node(conv).inputs().get(0).node()).isEqualTo(joined.indexOf("x"));
        assertThat(joined.outputs()).hasSize(1);
    }
}
