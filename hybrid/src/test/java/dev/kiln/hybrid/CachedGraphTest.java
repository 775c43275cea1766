package dev.kiln.hybrid;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
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

class CachedGraphTest {
    /** tanh(data * w) summed over the last axis, and the product itself as a tap. */
    private static Graph graph() {
        Symbol prod = sym.elemwiseMul(Symbol.var("data"), Symbol.var("w"), Map.of("name", "prod"));
        Symbol out = sym.sum(sym.tanh(prod), Map.of("axis", -1));
        return Symbol.group(List.of(out, prod)).graph();
    }

    private static CachedGraph cached(GraphCache cache, HybridizeOptions options) {
        return new CachedGraph("net0", graph(), List.of("data", "w"), new boolean[] {true}, 1, options, cache);
    }

    private static HybridizeOptions compiled() {
        return HybridizeOptions.builder().inlineLimit(0).build();
    }

    @Test
    void callsReturnResultsThenTapsAndReuseTheCompiledGraph() {
        GraphCache cache = new GraphCache("net0", 4);
        CachedGraph g = cached(cache, compiled());
        NDArray x = Random.uniform(-1, 1, 2, 3);
        NDArray w = Random.uniform(-1, 1, 2, 3);
        List<NDArray> out = g.call(new NDArray[] {x, w});
        assertThat(out).hasSize(2);
        NDArray prod = Ops.call("elemwise_mul", x, w);
        assertThat(out.get(1)).isCloseTo(prod, 0, 0);
        assertThat(out.get(0)).isCloseTo(Ops.call("sum", Map.of("axis", -1), Ops.call("tanh", prod)), 1e-7, 0);
        g.call(new NDArray[] {Random.uniform(-1, 1, 5, 3), Random.uniform(-1, 1, 5, 3)});
        assertThat(cache.stats().misses()).isEqualTo(1);
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(g.numHeads()).isEqualTo(1);
    }

    @Test
    void recordedCallsAreOneTapeStepWhoseBackwardIsTheCompiledOne() {
        CachedGraph g = cached(new GraphCache("net0", 4), compiled());
        NDArray x = Random.uniform(-1, 1, 2, 3);
        NDArray w = Random.uniform(-1, 1, 2, 3).attachGrad(GradReq.WRITE);
        NDArray loss;
        try (var ignored = Autograd.record()) {
            List<NDArray> out = g.call(new NDArray[] {x, w});
            assertThat(out.get(0).autogradEntry()).isNotNull();
            assertThat(out.get(1).autogradEntry()).as("taps are not differentiated").isNull();
            loss = Ops.call("sum", Ops.call("square", out.get(0)));
        }
        loss.backward();
        // d/dw sum_i (sum_j tanh(x w))^2 = 2 s_i (1 - tanh^2) x
        double[] xs = x.toDoubleArray();
        double[] ws = w.toDoubleArray();
        double[] expected = new double[6];
        for (int i = 0; i < 2; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                s += Math.tanh(xs[i * 3 + j] * ws[i * 3 + j]);
            }
            for (int j = 0; j < 3; j++) {
                double t = Math.tanh(xs[i * 3 + j] * ws[i * 3 + j]);
                expected[i * 3 + j] = 2 * s * (1 - t * t) * xs[i * 3 + j];
            }
        }
        assertThat(w.grad()).isCloseTo(expected, 1e-5, 1e-6);
    }

    @Test
    void graphsWithinTheInlineLimitRecordTheirOpsOneByOne() {
        GraphCache cache = new GraphCache("net0", 4);
        CachedGraph g = cached(cache, HybridizeOptions.builder().inlineLimit(3).build());
        NDArray w = Random.uniform(-1, 1, 2, 3).attachGrad(GradReq.WRITE);
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = g.call(new NDArray[] {Random.uniform(-1, 1, 2, 3), w}).get(0);
        }
        y.backward();
        assertThat(cache.stats().misses()).isZero();
        assertThat(w.grad()).hasShape(2, 3);
    }

    @Test
    void signaturesDifferByModeDtypeShapeAndGradientNeeds() {
        List<String> names = List.of("data");
        boolean[] one = {true};
        NDArray a = NDArray.zeros(2, 3);
        InputSignature base = InputSignature.of(names, new NDArray[] {a}, one, false, null, false);
        assertThat(InputSignature.of(names, new NDArray[] {NDArray.zeros(7, 1)}, one, false, null, false))
                .as("same rank, dynamic shapes").isEqualTo(base);
        InputSignature wider = InputSignature.of(names, new NDArray[] {NDArray.zeros(2, 4)}, one, false, null, true);
        InputSignature stat = InputSignature.of(names, new NDArray[] {a}, one, false, null, true);
        assertThat(wider).isNotEqualTo(stat);
        assertThat(wider.differenceFrom(stat)).isEqualTo("argument 'data' shape (2, 4), cached (2, 3)");
        InputSignature training = InputSignature.of(names, new NDArray[] {a}, one, true, null, false);
        assertThat(training.differenceFrom(base)).isEqualTo("mode training, cached predict");
        InputSignature f64 = InputSignature.of(names, new NDArray[] {a.astype(DType.FLOAT64)}, one, false, null,
                false);
        assertThat(f64.differenceFrom(base)).isEqualTo("argument 'data' dtype float64, cached float32");
        InputSignature grad = InputSignature.of(names, new NDArray[] {a}, one, false, new boolean[] {true}, false);
        assertThat(grad.differenceFrom(base)).isEqualTo("argument 'data' needs gradient, cached needs no");
        assertThat(grad.gradients()).containsExactly("data");
        assertThat(grad.toString()).isEqualTo("predict(data: rank 2 float32 grad)");
    }

    @Test
    void optionsAreCheckedWhenBuilt() {
        assertThatThrownBy(() -> HybridizeOptions.builder().staticShape(true).build())
                .hasMessageContaining("staticShape requires staticAlloc");
        assertThat(HybridizeOptions.defaults().inlineLimit()).isEqualTo(2);
        assertThat(HybridizeOptions.defaults().toBuilder().cacheSize(3).build().cacheSize()).isEqualTo(3);
    }

    @Test
    void theCompileRequestNamesTheParameterArguments() {
        GraphCache cache = new GraphCache("net0", 4);
        CachedGraph g = new CachedGraph("net0", graph(), List.of("data", "w"), java.util.Set.of("w"),
                new boolean[] {true}, 1, compiled(), cache);
        g.call(new NDArray[] {Random.uniform(-1, 1, 2, 3), Random.uniform(-1, 1, 2, 3)});
        assertThat(cache.entries().getFirst().getValue().request().parameters()).containsExactly("w");

        GraphCache plain = new GraphCache("net0", 4);
        cached(plain, compiled()).call(new NDArray[] {Random.uniform(-1, 1, 2, 3), Random.uniform(-1, 1, 2, 3)});
        assertThat(plain.entries().getFirst().getValue().request().parameters()).isEmpty();
    }
}
