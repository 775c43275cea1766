package dev.kiln.graph.gradient;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.op.surface.F;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static dev.kiln.op.surface.ND.nd;
import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphGradientTest {

    private static NDArray values(Shape shape, double... v) {
        return NDArray.of(shape, DType.FLOAT64, v);
    }

    /** The gradients of {@code y} (head gradients of ones) w.r.t. {@code wrt}, by interpreting its gradient graph. */
    private static List<NDArray> graphGrads(Symbol y, Map<String, NDArray> in, String... wrt) {
        GradientGraph gg = GraphGradient.of(y.graph()).wrt(wrt).onesHeadGradients().build();
        List<NDArray> all = Interpreter.eval(gg.graph(), in, true);
        return all.subList(gg.numForwardOutputs(), all.size());
    }

    /** The same function run eagerly under autograd, gradients w.r.t. both arguments. */
    private static List<NDArray> eagerGrads(BiFunction<NDArray, NDArray, NDArray> f, NDArray a, NDArray b) {
        NDArray va = a.copy().attachGrad();
        NDArray vb = b.copy().attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = f.apply(va, vb);
        }
        return Autograd.grad(List.of(y), List.of(va, vb));
    }

    /** x * w + relu(x) * x: x reaches three consumers, w one. Written once for NDArrays and Symbols. */
    private static <T> T shared(F<T> f, T x, T w) {
        return f.elemwiseAdd(f.elemwiseMul(x, w), f.elemwiseMul(f.relu(x), x));
    }

    @Test
    void gradientsReachingOneEntryFromSeveralConsumersAreSummedAsEagerAutogradSums() {
        NDArray x = values(Shape.of(4), -1.5, -0.5, 0.5, 2);
        NDArray w = values(Shape.of(4), 3, -2, 0.25, 1);
        Symbol sx = Symbol.var("x");
        Symbol sw = Symbol.var("w");
        Symbol y = shared(sym, sx, sw);
        List<NDArray> g = graphGrads(y, Map.of("x", x, "w", w), "x", "w");
        List<NDArray> eager = eagerGrads((a, b) -> shared(nd, a, b), x, w);
        assertThat(g.get(0)).isEqualTo(eager.get(0));
        assertThat(g.get(1)).isEqualTo(eager.get(1));
        // d/dx = w + 2 relu(x) (relu' x + relu = 2x for x > 0), d/dw = x
        assertThat(g.get(0)).isCloseTo(new double[] {3, -2, 1.25, 5}, 0, 1e-15);
        assertThat(g.get(1)).isEqualTo(x);
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("x").build();
        assertThat(names(gg)).contains("x_grad_sum");
    }

    @Test
    void gradientNodesAreNamedAfterTheirForwardNodeAndHeadGradientsAfterTheOutput() {
        Symbol fc = sym.fullyConnected(Symbol.var("data"), Symbol.var("w"), Symbol.var("b"), 3, Map.of("name", "fc1"));
        Symbol bn = sym.batchNorm(fc, Symbol.var("g"), Symbol.var("beta"), Symbol.var("mm"), Symbol.var("mv"),
                Map.of("name", "bn")).get(0);
        Symbol y = sym.activation(bn, "tanh", Map.of("name", "act"));
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("w", GradReq.WRITE).wrt("b", GradReq.ADD)
                .wrt("data", GradReq.NULL).build();
        assertThat(names(gg)).containsSubsequence("data", "w", "b", "fc1", "bn", "act", "act_output_head_grad",
                "act_backward_square", "bn_backward", "fc1_backward_dot");
        OpNode back = (OpNode) gg.graph().node(gg.graph().indexOf("bn_backward"));
        assertThat(back.op().name()).isEqualTo("_backward_BatchNorm");
        assertThat(gg.headGradients()).containsExactly("act_output_head_grad");
        assertThat(gg.gradientArguments()).containsExactly("w", "b");
        assertThat(gg.graph().outputs()).hasSize(3);
        assertThat(gg.gradReqs()).containsEntry("data", GradReq.NULL);
        assertThat(gg.forward()).isEqualTo(y.graph());
        assertThat(gg.toString()).contains("_backward_BatchNorm[").contains("# bn_backward\n");
        assertThatThrownBy(() -> gg.gradientOf("data")).hasMessageContaining("'data'").hasMessageContaining("[w, b]");
    }

    @Test
    void nodesOffEveryPathFromARequestedVariableRunNoRule() {
        Symbol a = Symbol.var("a");
        Symbol b = Symbol.var("b");
        Symbol y = sym.elemwiseMul(sym.exp(a, Map.of("name", "ea")), sym.sin(b, Map.of("name", "sb")),
                Map.of("name", "m"));
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("a").build();
        assertThat(names(gg)).anyMatch(n -> n.startsWith("ea_backward")).noneMatch(n -> n.startsWith("sb_backward"));
        NDArray va = values(Shape.of(2), 0.5, -1);
        NDArray vb = values(Shape.of(2), 2, 0.25);
        List<NDArray> g = graphGrads(y, Map.of("a", va, "b", vb), "a");
        NDArray expected = Ops.call("elemwise_mul", Ops.call("exp", va), Ops.call("sin", vb));
        assertThat(g.get(0)).isEqualTo(expected);
    }

    @Test
    void zeroGradientOpsPassNothingAndUnreachedVariablesGetZeros() {
        Symbol x = Symbol.var("x");
        Symbol z = Symbol.var("z");
        Symbol y = sym.elemwiseAdd(sym.elemwiseMul(x, sym.stopGradient(x)),
                sym.cast(sym.argmax(z, Map.of("axis", 0)), DType.FLOAT64));
        NDArray vx = values(Shape.of(3), 1, -2, 3);
        NDArray vz = values(Shape.of(3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        List<NDArray> g = graphGrads(y, Map.of("x", vx, "z", vz), "x", "z");
        assertThat(g.get(0)).isEqualTo(vx); // d(x * stop(x))/dx = stop(x)
        assertThat(g.get(1)).isEqualTo(NDArray.zeros(Shape.of(3, 3), DType.FLOAT64, vz.device()));
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("x", "z").build();
        assertThat(names(gg)).contains("z_zero_grad");
    }

    @Test
    void randomOpsFailNamingTheOpAndTheNode() {
        Symbol y = sym.shuffle(sym.relu(Symbol.var("x")), Map.of("name", "shuf"));
        assertThatThrownBy(() -> GraphGradient.of(y.graph()).wrt("x").build()).isInstanceOf(KilnException.class)
                .hasMessageContaining("_shuffle").hasMessageContaining("node 'shuf'")
                .hasMessageContaining("not differentiable");
    }

    @Test
    void dropoutsGradientReadsTheMaskTheForwardDrew() {
        Symbol y = sym.dropout(Symbol.var("x"), Map.of("p", 0.5, "name", "drop"));
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("x").onesHeadGradients().training(true).build();
        int drop = gg.graph().indexOf("drop");
        boolean readsMask = false;
        for (Node n : gg.graph().nodes()) {
            readsMask |= n.inputs().contains(new Entry(drop, 1));
        }
        assertThat(readsMask).as("a gradient node reads Dropout's hidden mask output").isTrue();
        NDArray x = NDArray.full(Shape.of(200), 2.0, DType.FLOAT64, dev.kiln.ndarray.Device.cpu());
        List<NDArray> r = Interpreter.eval(gg.graph(), Map.of("x", x), true);
        NDArray out = r.get(0);
        NDArray grad = r.get(1);
        int dropped = 0;
        for (int i = 0; i < 200; i++) {
            assertThat(grad.getDouble(i)).isEqualTo(out.getDouble(i) / 2); // the mask, 0 or 1/(1-p)
            dropped += out.getDouble(i) == 0 ? 1 : 0;
        }
        assertThat(dropped).isBetween(50, 150);
        GradientGraph predict = GraphGradient.of(y.graph()).wrt("x").onesHeadGradients().training(false).build();
        List<NDArray> p = Interpreter.eval(predict.graph(), Map.of("x", x), false);
        assertThat(p.get(1)).isEqualTo(NDArray.full(Shape.of(200), 1.0, DType.FLOAT64, x.device()));
    }

    @Test
    void anOutputThatIsAVariableTakesItsHeadGradientDirectly() {
        Symbol x = Symbol.var("x");
        Symbol y = Symbol.group(x, sym.square(x, Map.of("name", "sq")));
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("x").build();
        assertThat(gg.headGradients()).containsExactly("x_head_grad", "sq_output_head_grad");
        NDArray vx = values(Shape.of(2), 1.5, -3);
        NDArray h0 = values(Shape.of(2), 1, 2);
        NDArray h1 = values(Shape.of(2), -1, 0.5);
        List<NDArray> r = Interpreter.eval(gg.graph(), Map.of("x", vx, "x_head_grad", h0, "sq_output_head_grad", h1),
                true);
        assertThat(r.get(2)).isCloseTo(new double[] {1 - 3, 2 - 3}, 0, 0); // h0 + 2 x h1
    }

    @Test
    void headsLeftOutPassNoGradientBack() {
        Symbol x = Symbol.var("x");
        Symbol y = Symbol.group(sym.square(x, Map.of("name", "sq")), sym.exp(x, Map.of("name", "e")));
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("x").heads(1).onesHeadGradients().build();
        assertThat(gg.headGradients()).containsExactly(null, null);
        assertThat(names(gg)).noneMatch(n -> n.startsWith("sq_backward"));
        NDArray vx = values(Shape.of(2), 0.5, 1);
        List<NDArray> r = Interpreter.eval(gg.graph(), Map.of("x", vx), true);
        assertThat(r.get(2)).isEqualTo(Ops.call("exp", vx));
        assertThatThrownBy(() -> GraphGradient.of(y.graph()).heads(2)).hasMessageContaining("out of range");
    }

    @Test
    void requestsNamingNoArgumentFail() {
        Symbol bn = sym.batchNorm(Symbol.var("x"), null, null, null, null, Map.of("name", "bn")).get(0);
        assertThatThrownBy(() -> GraphGradient.of(bn.graph()).wrt("nope").build())
                .hasMessageContaining("no variable named 'nope'").hasMessageContaining("bn_gamma");
        assertThatThrownBy(() -> GraphGradient.of(bn.graph()).wrt("bn_moving_mean").build())
                .hasMessageContaining("'bn_moving_mean' is an auxiliary state");
    }

    @Test
    void aGradientRequestOfNullAddsNoOutputAndRunsNoRule() {
        Symbol y = sym.sin(Symbol.var("x"), Map.of("name", "s"));
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("x", GradReq.NULL).build();
        assertThat(gg.graph().outputs()).hasSize(1);
        assertThat(names(gg)).noneMatch(n -> n.startsWith("s_backward"));
    }

    private static List<String> names(GradientGraph gg) {
        List<String> out = new ArrayList<>();
        for (Node n : gg.graph().nodes()) {
            out.add(n.name());
        }
        return out;
    }
}
