package dev.kiln.symbol;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.op.surface.F;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;
import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecutorTest {
    private final GradientCase.Inputs r = new GradientCase.Inputs(7);

    /** Two dense layers sharing one weight, so its gradient is a sum; written once for NDArrays and Symbols. */
    private static <T> T mlp(F<T> f, T x, T w, T b1, T b2) {
        T h = f.activation(f.fullyConnected(x, w, b1, 4, Map.of("name", "fc1")), "tanh", Map.of("name", "act"));
        return f.fullyConnected(h, w, b2, 4, Map.of("name", "fc2"));
    }

    private Map<String, NDArray> mlpArgs() {
        Map<String, NDArray> a = new LinkedHashMap<>();
        a.put("x", r.uniform(3, 4));
        a.put("w", r.uniform(4, 4));
        a.put("b1", r.uniform(4));
        a.put("b2", r.uniform(4));
        return a;
    }

    private static Symbol mlpSymbol() {
        return mlp(sym, Symbol.var("x"), Symbol.var("w"), Symbol.var("b1"), Symbol.var("b2"));
    }

    /** Eager gradients of the MLP for one head gradient, by argument name. */
    private static Map<String, NDArray> eagerMlpGrads(Map<String, NDArray> args, NDArray head) {
        Map<String, NDArray> v = new LinkedHashMap<>();
        args.forEach((k, a) -> v.put(k, a.copy().attachGrad()));
        NDArray y;
        try (var rec = Autograd.record()) {
            y = mlp(nd, v.get("x"), v.get("w"), v.get("b1"), v.get("b2"));
        }
        List<NDArray> g = Autograd.grad(List.of(y), List.copyOf(v.values()), List.of(head), false, false);
        Map<String, NDArray> out = new LinkedHashMap<>();
        int k = 0;
        for (String name : v.keySet()) {
            out.put(name, g.get(k++));
        }
        return out;
    }

    private static NDArray filled(NDArray like, double value) {
        return NDArray.full(like.shape(), value, like.dtype(), Device.cpu());
    }

    @Test
    void backwardWritesAddsOrLeavesGradientsByGradReq() {
        Map<String, NDArray> args = mlpArgs();
        Map<String, NDArray> grads = new HashMap<>();
        args.forEach((k, a) -> grads.put(k, filled(a, 7)));
        Map<String, GradReq> reqs = Map.of("x", GradReq.NULL, "w", GradReq.WRITE, "b1", GradReq.ADD,
                "b2", GradReq.WRITE);
        Executor ex = mlpSymbol().bind(args, grads, reqs, null);
        NDArray head = r.uniform(3, 4);
        for (int step = 0; step < 2; step++) {
            ex.forward(true);
            ex.backward(List.of(head));
        }
        Map<String, NDArray> eager = eagerMlpGrads(args, head);
        assertThat(ex.gradDict()).containsOnlyKeys("w", "b1", "b2");
        assertThat(grads.get("w")).isEqualTo(eager.get("w"));
        assertThat(grads.get("b2")).isEqualTo(eager.get("b2"));
        NDArray twice = Ops.call("_plus_scalar", Map.of("scalar", 7.0),
                Ops.call("elemwise_add", eager.get("b1"), eager.get("b1")));
        assertThat(grads.get("b1")).isCloseTo(twice, 1e-15, 1e-15);
        assertThat(grads.get("x")).isEqualTo(filled(args.get("x"), 7));
        assertThat(ex.outputs().get(0)).isEqualTo(mlp(nd, args.get("x"), args.get("w"), args.get("b1"), args.get("b2")));
    }

    @Test
    void backwardWithoutHeadGradientsUsesOnesAndChecksGivenShapes() {
        Map<String, NDArray> args = mlpArgs();
        Executor ex = mlpSymbol().simpleBind(Map.of("x", Shape.of(3, 4), "w", Shape.of(4, 4), "b1", Shape.of(4),
                "b2", Shape.of(4)), Map.of("x", DType.FLOAT64, "w", DType.FLOAT64, "b1", DType.FLOAT64,
                "b2", DType.FLOAT64), GradReq.WRITE);
        ex.forward(true, args);
        ex.backward();
        Map<String, NDArray> eager = eagerMlpGrads(args, NDArray.full(Shape.of(3, 4), 1, DType.FLOAT64, Device.cpu()));
        for (String name : args.keySet()) {
            assertThat(ex.gradDict().get(name)).as(name).isEqualTo(eager.get(name));
        }
        assertThatThrownBy(() -> ex.backward(List.of(r.uniform(4, 3))))
                .hasMessageContaining("head gradient 0 has shape (4, 3)").hasMessageContaining("fc2_output");
        assertThatThrownBy(() -> ex.forward(true, Map.of("x", r.uniform(2, 4))))
                .hasMessageContaining("'x' is bound with shape (3, 4)");
    }

    @Test
    void trainingForwardUpdatesBatchNormMovingStatisticsExactlyAsEager() {
        Symbol bn = sym.batchNorm(Symbol.var("x"), Symbol.var("gamma"), Symbol.var("beta"), Symbol.var("mean"),
                Symbol.var("var"), Map.of("name", "bn", "fix_gamma", false, "momentum", 0.8)).get(0);
        NDArray x = r.uniform(4, 3, 2);
        NDArray gamma = r.uniform(0.5, 1.5, 3);
        NDArray beta = r.uniform(3);
        NDArray mean = r.uniform(3);
        NDArray var = r.uniform(0.5, 1.5, 3);
        Map<String, NDArray> args = Map.of("x", x, "gamma", gamma, "beta", beta);
        Map<String, NDArray> grads = Map.of("x", filled(x, 0), "gamma", filled(gamma, 0), "beta", filled(beta, 0));
        Map<String, NDArray> aux = Map.of("mean", mean.copy(), "var", var.copy());
        Executor ex = bn.bind(args, grads, null, aux);
        NDArray head = r.uniform(4, 3, 2);
        ex.forward(true);
        ex.backward(List.of(head));

        NDArray ex2 = x.copy().attachGrad();
        NDArray eg = gamma.copy().attachGrad();
        NDArray eb = beta.copy().attachGrad();
        NDArray em = mean.copy();
        NDArray ev = var.copy();
        NDArray y;
        try (var rec = Autograd.record(true)) {
            y = Ops.invoke("BatchNorm", Map.of("fix_gamma", false, "momentum", 0.8), ex2, eg, eb, em, ev).get(0);
        }
        List<NDArray> eager = Autograd.grad(List.of(y), List.of(ex2, eg, eb), List.of(head), false, false);
        assertThat(ex.auxDict().get("mean")).isEqualTo(em);
        assertThat(ex.auxDict().get("var")).isEqualTo(ev);
        assertThat(ex.auxDict().get("mean").toDoubleArray()).as("updated").isNotEqualTo(mean.toDoubleArray());
        assertThat(ex.outputs().get(0)).isEqualTo(y.detach());
        assertThat(grads.get("x")).isEqualTo(eager.get(0));
        assertThat(grads.get("gamma")).isEqualTo(eager.get(1));
        assertThat(grads.get("beta")).isEqualTo(eager.get(2));

        NDArray meanAfterTraining = ex.auxDict().get("mean").copy();
        ex.forward(false);
        assertThat(ex.auxDict().get("mean")).as("predict mode leaves the statistics").isEqualTo(meanAfterTraining);
        NDArray predicted = Ops.call("BatchNorm", Map.of("fix_gamma", false), x, gamma, beta,
                meanAfterTraining, ex.auxDict().get("var").copy());
        assertThat(ex.outputs().get(0)).isEqualTo(predicted);
    }

    @Test
    void backwardReusesTheMaskTheTrainingForwardDrew() {
        Symbol y = sym.dropout(Symbol.var("x"), Map.of("p", 0.5, "name", "drop"));
        NDArray x = r.uniform(1, 2, 100);
        NDArray g = filled(x, 0);
        Executor ex = y.bind(Map.of("x", x), Map.of("x", g), null, null);
        NDArray out = ex.forward(true).get(0);
        ex.backward();
        NDArray first = g.copy();
        ex.backward();
        assertThat(g).as("a second backward reads the same mask").isEqualTo(first);
        int dropped = 0;
        for (int i = 0; i < 100; i++) {
            assertThat(g.getDouble(i) * x.getDouble(i)).isEqualTo(out.getDouble(i));
            dropped += out.getDouble(i) == 0 ? 1 : 0;
        }
        assertThat(dropped).isBetween(20, 80);
        ex.forward(false);
        ex.backward();
        assertThat(g).as("in predict mode Dropout is the identity").isEqualTo(filled(x, 1));
    }

    @Test
    void simpleBindAllocatesInferredShapesAsFloat32AndZeroAuxiliaryStates() {
        Symbol fc = sym.fullyConnected(Symbol.var("data"), Symbol.var("w"), Symbol.var("b"), 3, Map.of("name", "fc"));
        Symbol y = sym.batchNorm(fc, null, null, null, null, Map.of("name", "bn")).get(0);
        Executor ex = y.simpleBind(Map.of("data", Shape.of(2, 5)));  // every other shape inferred from the data
        assertThat(ex.argDict().keySet()).containsExactly("data", "w", "b", "bn_gamma", "bn_beta");
        assertThat(ex.auxDict().keySet()).containsExactly("bn_moving_mean", "bn_moving_var");
        assertThat(ex.argDict().get("bn_gamma")).hasShape(3).hasDType(DType.FLOAT32);
        assertThat(ex.gradDict().get("w")).hasShape(3, 5).hasDType(DType.FLOAT32);
        assertThat(ex.auxDict().get("bn_moving_var")).isEqualTo(NDArray.zeros(Shape.of(3), DType.FLOAT32,
                Device.cpu()));
        assertThat(ex.gradReqs()).containsEntry("data", GradReq.WRITE);
        assertThat(ex.forward(false).get(0)).hasShape(2, 3);
        assertThat(ex.argDict().get("w")).hasShape(3, 5);
        assertThat(ex.auxDict().get("bn_moving_mean")).hasShape(3);
        assertThatThrownBy(() -> y.simpleBind(Map.of("w", Shape.of(3, 5))))
                .hasMessageContaining("'data'");
    }

    @Test
    void bindNamesMissingUnknownAndMisShapedArrays() {
        Symbol fc = sym.fullyConnected(Symbol.var("data"), Symbol.var("w"), Symbol.var("b"), 3, Map.of("name", "fc"));
        NDArray data = r.uniform(2, 5);
        NDArray w = r.uniform(3, 5);
        NDArray b = r.uniform(3);
        assertThatThrownBy(() -> fc.bind(Map.of("data", data, "w", w), null, null, null))
                .isInstanceOf(KilnException.class).hasMessageContaining("argument 'b' was not given");
        assertThatThrownBy(() -> fc.bind(Map.of("data", data, "w", w, "b", b, "c", b), null, null, null))
                .hasMessageContaining("'c'").hasMessageContaining("[data, w, b]");
        assertThatThrownBy(() -> fc.bind(Map.of("data", data, "w", r.uniform(3, 4), "b", b), null, null, null))
                .hasMessageContaining("node 'fc'").hasMessageContaining("weight");
        assertThatThrownBy(() -> fc.bind(Map.of("data", data, "w", w, "b", b), Map.of("w", r.uniform(5, 3)), null,
                null)).hasMessageContaining("gradient array of argument 'w' has shape (5, 3)");
        assertThatThrownBy(() -> fc.bind(Map.of("data", data, "w", w, "b", b), null, Map.of("b", GradReq.ADD),
                null)).hasMessageContaining("'b' has grad_req 'add' but no gradient array");
        Symbol bn = sym.batchNorm(Symbol.var("x"), null, null, null, null, Map.of("name", "bn")).get(0);
        assertThatThrownBy(() -> bn.bind(Map.of("x", r.uniform(2, 3), "bn_gamma", r.uniform(3),
                "bn_beta", r.uniform(3)), null, null, Map.of("bn_moving_mean", r.uniform(3))))
                .hasMessageContaining("auxiliary state 'bn_moving_var' was not given");
    }

    @Test
    void withoutGradientArraysBackwardDoesNothingAndBackwardNeedsAForward() {
        Symbol y = sym.sin(Symbol.var("x"));
        NDArray x = r.uniform(3);
        Executor plain = y.bind(Map.of("x", x), null, null, null);
        assertThat(plain.forward(false).get(0)).isEqualTo(Ops.call("sin", x));
        plain.backward();
        assertThat(plain.gradDict()).isEmpty();
        Executor ex = y.bind(Map.of("x", x), Map.of("x", filled(x, 0)), null, null);
        assertThatThrownBy(ex::backward).hasMessageContaining("call forward first");
    }
}
