package dev.kiln.compiler.jit;

import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fusion keeps side effects in their order (found by RandomGraphTest): random draws (seed 14679: a group placed at its
 * last node pulled a shuffle of its first node's value after a later sampler, so the two drew each other's numbers)
 * and in-place updates relative to the reads of what they update.
 */
class FusionEffectOrderTest {
    private static final Shape S = Shape.of(3, 5);

    /** exp(x) shuffled, then a uniform sample, then {@code tail} of exp(x) and the sample. */
    private static Graph graph(boolean tailReadsSample) {
        Symbol x = Symbol.var("x");
        Symbol a = sym.call("exp", Map.of("name", "a"), x);
        Symbol shuffled = sym.call("_shuffle", Map.of("name", "p"), a);
        Symbol sample = sym.call("_random_uniform", Map.of("name", "r", "shape", S.dims()));
        Symbol tail = tailReadsSample ? sym.call("elemwise_mul", Map.of("name", "b"), a, sample)
                : sym.call("sin", Map.of("name", "b"), a);
        return Symbol.group(shuffled, sample, tail).graph();
    }

    private static List<String> names(Graph g) {
        List<String> out = new ArrayList<>();
        for (var node : g.nodes()) {
            out.add(node.name());
        }
        return out;
    }

    private static void assertSameDraws(Graph g, Graph fused) {
        NDArray x = NDArray.of(S, DType.FLOAT32, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3,
                1.4, 1.5);
        dev.kiln.random.Random.seed(3);
        List<NDArray> expected = Interpreter.eval(g, Map.of("x", x), false);
        dev.kiln.random.Random.seed(3);
        List<NDArray> actual = Interpreter.eval(fused, Map.of("x", x), false);
        for (int k = 0; k < expected.size(); k++) {
            assertSameBits(actual.get(k), expected.get(k), "output " + k);
        }
    }

    @Test
    void aGroupNeverMovesOneRandomDrawPastAnother() {
        Graph g = graph(false);
        Graph fused = FusionPass.apply(g, ElementwiseGraphs.shapes(g, S), ElementwiseGraphs.types(g, DType.FLOAT32));

        assertThat(names(fused)).containsExactly("x", "b", "p", "r");
        assertSameDraws(g, fused);
    }

    @Test
    void aGroupThatWouldReorderDrawsIsNotFormed() {
        Graph g = graph(true);
        Graph fused = FusionPass.apply(g, ElementwiseGraphs.shapes(g, S), ElementwiseGraphs.types(g, DType.FLOAT32));

        assertThat(names(fused)).containsExactly("x", "a", "p", "r", "b");
        assertThat(fused.nodes()).noneMatch(n -> n instanceof OpNode op && op.op() instanceof FusedElementwiseOp);
        assertSameDraws(g, fused);
    }

    @Test
    void aReadOfAMovingStatisticStaysAfterItsUpdate() {
        // seed 4257358: sigmoid and relu fused into a group placed at relu pulled BatchNorm after max(moving_var),
        // which then read the statistic before the training update instead of after it
        Symbol x = Symbol.var("x");
        Symbol s = sym.call("sigmoid", Map.of("name", "s"), x);
        Symbol movingVar = Symbol.var("var");
        Symbol bn = sym.call("BatchNorm", Map.of("name", "bn"), s, Symbol.var("gamma"), Symbol.var("beta"),
                Symbol.var("mean"), movingVar);
        Symbol max = sym.call("max", Map.of("name", "m"), movingVar);
        Symbol relu = sym.call("relu", Map.of("name", "r"), s);
        Graph g = Symbol.group(bn, max, relu).graph();
        Shape c = Shape.of(3);
        Map<String, Shape> shapes = Map.of("x", Shape.of(2, 3), "gamma", c, "beta", c, "mean", c, "var", c);
        Graph fused = FusionPass.apply(g, shapes, ElementwiseGraphs.types(g, DType.FLOAT32));

        assertThat(names(fused).indexOf("bn")).isLessThan(names(fused).indexOf("m"));
        List<NDArray> expected = runTraining(g);
        List<NDArray> actual = runTraining(fused);
        for (int k = 0; k < expected.size(); k++) {
            assertSameBits(actual.get(k), expected.get(k), "output " + k);
        }
    }

    private static List<NDArray> runTraining(Graph g) {
        NDArray c = NDArray.of(Shape.of(3), DType.FLOAT32, 0.5, 1, 2);
        Map<String, NDArray> in = Map.of("x", NDArray.of(Shape.of(2, 3), DType.FLOAT32, 1, -2, 3, 0.5, 0, -1),
                "gamma", c.copy(), "beta", c.copy(), "mean", c.copy(), "var", c.copy());
        List<NDArray> out = new ArrayList<>(Interpreter.eval(g, in, true));
        out.add(in.get("var"));
        return out;
    }
}
