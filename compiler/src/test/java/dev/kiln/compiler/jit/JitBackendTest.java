package dev.kiln.compiler.jit;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.graph.NodeExecutionException;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class JitBackendTest {
    private static CompileRequest request(Graph g, Shape shape, DType t, boolean gradients, boolean staticShapes) {
        List<String> inputs = new ArrayList<>();
        for (int i : g.variableNodes()) {
            inputs.add(g.node(i).name());
        }
        return new CompileRequest(g, inputs, Collections.nCopies(inputs.size(), shape),
                Collections.nCopies(inputs.size(), t), false, gradients ? inputs : List.of(), staticShapes,
                false, g.outputs().size());
    }

    private static NDArray[] inputs(Random r, CompileRequest req, Shape shape) {
        NDArray[] in = new NDArray[req.inputs().size()];
        for (int k = 0; k < in.length; k++) {
            in[k] = ElementwiseGraphs.input(r, shape, req.dtypes().get(k));
        }
        return in;
    }

    private static long fusedNodes(CompiledGraph c) {
        return c.compiledGraph().nodes().stream()
                .filter(n -> n instanceof OpNode op
                        && (op.op() instanceof FusedElementwiseOp || op.op() instanceof FusedEpilogueOp
                        || op.op() instanceof FusedRowOp)).count();
    }

    /**
     * Runs the jit and the interpreter with the same passes on the same inputs and head gradients; outputs and
     * gradients must have the same bits (fusion changes no arithmetic; passes may reassociate a gradient's sum).
     */
    private static void assertSameAsInterpreter(CompileRequest req, Shape runShape, Random r, String what) {
        CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
        CompiledGraph ref = Backends.get(Backends.INTERPRETER_OPT).compile(req); // same passes, no fusion
        NDArray[] in = inputs(r, req, runShape);
        CompiledGraph.Execution a = jit.run(in);
        CompiledGraph.Execution b = ref.run(in);
        assertSameBits(Arrays.asList(a.outputs()), Arrays.asList(b.outputs()), what + " outputs");
        if (req.needsGradients()) {
            NDArray[] heads = new NDArray[req.numHeads()];
            for (int k = 0; k < heads.length; k++) {
                heads[k] = ElementwiseGraphs.input(r, b.outputs()[k].shape(), b.outputs()[k].dtype());
            }
            assertSameBits(Arrays.asList(a.backward(heads)), Arrays.asList(b.backward(heads)), what + " gradients");
            assertSameBits(Arrays.asList(a.backward(heads)), Arrays.asList(b.backward(heads)), what + " again");
        }
    }

    @Test
    void theJitIsRegisteredAndIsTheDefaultUnlessThePropertyNamesAnother() {
        assertThat(Backends.get("jit")).isInstanceOf(JitBackend.class);
        assertThat(Backends.available().keySet()).startsWith("interpreter", "interpreter-opt", "jit");
        String before = System.getProperty(Backends.DEFAULT_PROPERTY);
        try {
            System.setProperty(Backends.DEFAULT_PROPERTY, "interpreter");
            assertThat(Backends.defaultName()).isEqualTo("interpreter");
            System.clearProperty(Backends.DEFAULT_PROPERTY);
            assertThat(Backends.defaultName()).isEqualTo("jit");
        } finally {
            if (before != null) {
                System.setProperty(Backends.DEFAULT_PROPERTY, before);
            }
        }
    }

    @Test
    void randomGraphsGiveTheInterpretersOutputsAndGradients() {
        Random r = new Random(11);
        long fused = 0;
        for (int trial = 0; trial < 30; trial++) {
            Graph g = ElementwiseGraphs.random(r, 1 + r.nextInt(3), 2 + r.nextInt(12));
            DType t = trial % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
            Shape shape = Shape.of(2, 1 + r.nextInt(30));
            CompileRequest req = request(g, shape, t, trial % 3 != 0, true);
            fused += fusedNodes(Backends.get(Backends.JIT).compile(req));
            assertSameAsInterpreter(req, shape, r, "trial " + trial + "\n" + g);
        }
        assertThat(fused).as("fused nodes over all trials").isGreaterThan(30);
    }

    @Test
    void aDenseLayerWithElementwiseTailFusesTheTailAndItsGradient() {
        Symbol x = Symbol.var("x");
        Symbol h = sym.call("FullyConnected", Map.of("name", "fc", "num_hidden", 6), x);
        Symbol y = sym.call("_mul_scalar", Map.of("name", "scale", "scalar", 0.5),
                sym.call("Activation", Map.of("name", "act", "act_type", "tanh"),
                        sym.call("_plus_scalar", Map.of("name", "shift", "scalar", 1.0), h)));
        Graph g = y.graph();
        List<String> inputs = List.of("x", "fc_weight", "fc_bias");
        CompileRequest req = new CompileRequest(g, inputs, List.of(Shape.of(4, 3), Shape.of(6, 3), Shape.of(6)),
                Collections.nCopies(3, DType.FLOAT32), true, inputs, true, false, 1);
        CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
        assertThat(fusedNodes(jit)).as("forward tail and backward chain").isGreaterThanOrEqualTo(2);
        assertThat(jit.memoryPlan().values()).isPositive();
        Random r = new Random(5);
        NDArray[] in = {ElementwiseGraphs.input(r, Shape.of(4, 3), DType.FLOAT32),
            ElementwiseGraphs.input(r, Shape.of(6, 3), DType.FLOAT32), ElementwiseGraphs.input(r, Shape.of(6),
                DType.FLOAT32)};
        CompiledGraph ref = Backends.get(Backends.INTERPRETER_OPT).compile(req); // same passes, no fusion
        var a = jit.run(in);
        var b = ref.run(in);
        assertSameBits(Arrays.asList(a.outputs()), Arrays.asList(b.outputs()), "outputs");
        NDArray head = ElementwiseGraphs.input(r, Shape.of(4, 6), DType.FLOAT32);
        assertSameBits(Arrays.asList(a.backward(new NDArray[] {head})),
                Arrays.asList(b.backward(new NDArray[] {head})), "gradients");
    }

    @Test
    void aGraphThatFailsOnItsInputsFailsWhenRunWithTheInterpretersError() {
        Graph g = sym.call("exp", Map.of("name", "e"), sym.call("dot", Map.of("name", "d"), Symbol.var("a"),
                Symbol.var("b"))).graph();
        CompileRequest req = new CompileRequest(g, List.of("a", "b"), List.of(Shape.of(2, 3), Shape.of(4, 5)),
                Collections.nCopies(2, DType.FLOAT32), false, List.of(), true, false, 1);
        NDArray[] in = {NDArray.zeros(2, 3), NDArray.zeros(4, 5)};
        Throwable jit = catchThrowable(() -> Backends.get(Backends.JIT).compile(req).run(in));
        Throwable ref = catchThrowable(() -> Backends.get(Backends.INTERPRETER).compile(req).run(in));
        assertThat(jit).isInstanceOf(NodeExecutionException.class).hasMessage(ref.getMessage())
                .hasMessageContaining("node 'd' (dot)");
    }

    @Test
    void withoutStaticShapesTheCompiledGraphServesOtherShapesOfTheSameRank() {
        Random r = new Random(2);
        Graph g = sym.call("sigmoid", Map.of("name", "s"), sym.call("elemwise_mul", Map.of("name", "m"),
                Symbol.var("a"), Symbol.var("b"))).graph();
        CompileRequest req = request(g, Shape.of(3, 5), DType.FLOAT64, true, false);
        assertSameAsInterpreter(req, Shape.of(7, 2), r, "other shape");
        assertSameAsInterpreter(req, Shape.of(0, 2), r, "empty");
    }
}
