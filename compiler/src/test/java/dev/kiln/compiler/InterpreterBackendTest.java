package dev.kiln.compiler;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InterpreterBackendTest {
    /** relu(fc(data)) * 2 with a 3-unit layer. */
    private static Graph mlp() {
        Symbol x = Symbol.var("data");
        Symbol h = sym.relu(sym.fullyConnected(x, Symbol.var("w"), Symbol.var("b"), 3, Map.of("name", "fc")));
        return sym.mulScalar(h, 2.0).graph();
    }

    private static CompileRequest request(Graph g, List<String> gradients) {
        return new CompileRequest(g, List.of("data", "w", "b"), List.of(Shape.of(2, 4), Shape.of(3, 4), Shape.of(3)),
                List.of(DType.FLOAT32, DType.FLOAT32, DType.FLOAT32), true, gradients, false, false,
                g.outputs().size());
    }

    private static NDArray[] inputs() {
        Random.seed(3);
        return new NDArray[] {Random.uniform(-1, 1, 2, 4), Random.uniform(-1, 1, 3, 4), Random.uniform(-1, 1, 3)};
    }

    @Test
    void theInterpreterBackendComputesWhatTheReferenceInterpreterComputes() {
        Graph g = mlp();
        NDArray[] in = inputs();
        CompiledGraph c = Backends.get(Backends.INTERPRETER).compile(request(g, List.of()));
        NDArray out = c.run(in).outputs()[0];
        NDArray expected = Interpreter.eval(g, Map.of("data", in[0], "w", in[1], "b", in[2]), true).get(0);
        assertThat(out).isCloseTo(expected, 0, 0);
        assertThat(c.compiledGraph()).isEqualTo(g);
    }

    @Test
    void backwardFromTheKeptForwardGivesEagerAutogradsGradientsAndCanRunAgain() {
        Graph g = mlp();
        NDArray[] in = inputs();
        CompiledGraph c = new InterpreterBackend().compile(request(g, List.of("w", "data")));
        CompiledGraph.Execution run = c.run(in);
        NDArray head = Random.uniform(-1, 1, 2, 3);
        NDArray[] grads = run.backward(new NDArray[] {head});

        NDArray x = in[0].copy().attachGrad();
        NDArray w = in[1].copy().attachGrad();
        NDArray y;
        try (var ignored = Autograd.record()) {
            NDArray fc = Ops.call("FullyConnected", Map.of("num_hidden", 3), x, w, in[2]);
            y = Ops.call("_mul_scalar", Map.of("scalar", 2.0), Ops.call("relu", fc));
        }
        y.backward(head);
        assertThat(grads).hasSize(2);
        assertThat(grads[0]).isCloseTo(w.grad(), 1e-6, 1e-7);
        assertThat(grads[1]).isCloseTo(x.grad(), 1e-6, 1e-7);
        assertThat(run.backward(new NDArray[] {head})[0]).isCloseTo(grads[0], 0, 0);
    }

    @Test
    void aForwardWithoutOpsPassesItsInputsThroughWithoutRunning() {
        Graph identity = Symbol.group(List.of(Symbol.var("b"), Symbol.var("a"))).graph();
        CompileRequest r = new CompileRequest(identity, List.of("a", "b"), List.of(Shape.of(2), Shape.of(3)),
                List.of(DType.FLOAT32, DType.FLOAT32), false, List.of(), false, false, 2);
        NDArray a = NDArray.zeros(2);
        NDArray b = NDArray.ones(3);
        for (String backend : Backends.available().keySet()) {
            NDArray[] out = Backends.get(backend).compile(r).infer(new NDArray[] {a, b});
            assertThat(out).as(backend).containsExactly(b, a);
        }
    }

    @Test
    void aGraphCompiledForInferenceHasNoBackward() {
        CompiledGraph c = new InterpreterBackend().compile(request(mlp(), List.of()));
        CompiledGraph.Execution run = c.run(inputs());
        assertThatThrownBy(() -> run.backward(new NDArray[] {NDArray.zeros(2, 3)}))
                .isInstanceOf(KilnException.class).hasMessageContaining("compiled for inference");
        assertThatThrownBy(() -> c.run(new NDArray[1])).hasMessageContaining("expected 3 inputs [data, w, b], got 1");
    }

    @Test
    void requestsAreCheckedAgainstTheGraph() {
        Graph g = mlp();
        List<DType> f32 = List.of(DType.FLOAT32, DType.FLOAT32);
        assertThatThrownBy(() -> new CompileRequest(g, List.of("data", "w"), List.of(Shape.of(1), Shape.of(1)), f32,
                false, List.of(), false, false, 1)).hasMessageContaining("are not the graph's variables");
        assertThatThrownBy(() -> new CompileRequest(g, List.of("data", "w", "b"), List.of(Shape.of(1)), f32, false,
                List.of(), false, false, 1)).hasMessageContaining("3 inputs but 1 shapes and 2 dtypes");
        assertThatThrownBy(() -> request(g, List.of("label"))).hasMessageContaining("gradients requested for [label]");
        assertThatThrownBy(() -> Backends.get("gpu-magic")).hasMessageContaining("unknown compiler backend 'gpu-magic'")
                .hasMessageContaining("interpreter");
    }

    @Test
    void theMemoryPlanCountsOpOutputsAndThePeakOfLiveValues() {
        CompiledGraph c = new InterpreterBackend().compile(request(mlp(), List.of()));
        MemoryPlan p = c.memoryPlan();
        // fc (2x3), relu (2x3), mul (2x3): 24 bytes each; fc dies at relu, relu at mul
        assertThat(p.values()).isEqualTo(3);
        assertThat(p.unplannedBytes()).isEqualTo(72);
        assertThat(p.plannedBytes()).isEqualTo(72);
        assertThat(p.peakLiveBytes()).isEqualTo(48);
        assertThat(p.reuseRatio()).isZero();
        assertThat(p.toString()).contains("3 values in 3 buffers (0 in place); eager 72 B, planned 72 B (reuse 0%), peak live 48 B");
    }
}
