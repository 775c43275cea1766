package dev.kiln.compiler.pass;

import dev.kiln.graph.Graph;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.compiler.pass.PassTesting.apply;
import static dev.kiln.compiler.pass.PassTesting.assertSameOutputs;
import static dev.kiln.compiler.pass.PassTesting.context;
import static dev.kiln.compiler.pass.PassTesting.lines;
import static dev.kiln.compiler.pass.PassTesting.names;
import static dev.kiln.compiler.pass.PassTesting.op;
import static dev.kiln.compiler.pass.PassTesting.var;
import static org.assertj.core.api.Assertions.assertThat;

class CommonSubexpressionEliminationTest {

    @Test
    void mergesTheSameOpOnTheSameInputsIntoTheFirst() {
        Symbol x = var("x");
        Graph g = op("elemwise_add", "sum", op("relu", "r1", x), op("relu", "r2", x)).graph();
        PassContext ctx = context("x", Shape.of(3, 4)).build();

        Graph out = apply("cse", g, ctx);

        assertThat(out.toString()).isEqualTo(lines(
                "%0 = var x",
                "%1 = relu(%0)  # r1",
                "%2 = elemwise_add(%1, %1)  # sum",
                "outputs: %2"));
        assertSameOutputs(g, out, ctx);
    }

    @Test
    void mergesWholeChainsInOneSweep() {
        Symbol x = var("x");
        Symbol a = op("exp", "e1", op("_mul_scalar", "m1", Map.of("scalar", 2.0), x));
        Symbol b = op("exp", "e2", op("_mul_scalar", "m2", Map.of("scalar", 2.0), x));
        Graph g = op("elemwise_mul", "prod", a, b).graph();
        PassContext ctx = context("x", Shape.of(5)).build();

        Graph out = apply("cse", g, ctx);

        assertThat(names(out)).containsExactly("x", "m1", "e1", "prod");
        assertSameOutputs(g, out, ctx);
    }

    @Test
    void leavesAGraphAGradientWillBeBuiltFromAlone() {
        // merging c1 and c2 would sum their head gradients before cos's chain rule instead of after it, which
        // rounds differently from the gradient of the graph as traced (found by RandomGraphTest, seed 1894)
        Symbol x = var("x");
        Graph g = Symbol.group(op("cos", "c1", x), op("mean", "m", op("cos", "c2", x))).graph();

        assertThat(apply("cse", g, context("x", Shape.of(4, 1)).differentiated(true).build())).isSameAs(g);
        assertThat(names(apply("cse", g, context("x", Shape.of(4, 1)).build()))).containsExactly("x", "c1", "m");
    }

    @Test
    void keepsNodesWhoseAttributesDiffer() {
        Symbol x = var("x");
        Graph g = op("elemwise_add", "sum", op("_mul_scalar", "m2", Map.of("scalar", 2.0), x),
                op("_mul_scalar", "m3", Map.of("scalar", 3.0), x)).graph();

        assertThat(apply("cse", g, context("x", Shape.of(2)).build())).isSameAs(g);
    }

    @Test
    void neverMergesDropoutInTrainingButDoesInPrediction() {
        Symbol x = var("x");
        Graph g = op("elemwise_add", "sum", op("Dropout", "d1", Map.of("p", 0.5), x),
                op("Dropout", "d2", Map.of("p", 0.5), x)).graph();
        PassContext training = context("x", Shape.of(6, 6)).training(true).build();
        PassContext predict = context("x", Shape.of(6, 6)).training(false).build();

        Graph trained = apply("cse", g, training);
        Graph predicted = apply("cse", g, predict);

        assertThat(trained).isSameAs(g);
        assertThat(names(predicted)).containsExactly("x", "d1", "sum");
        assertSameOutputs(g, trained, training);
        assertSameOutputs(g, predicted, predict);
    }

    @Test
    void neverMergesRandomSamplers() {
        Map<String, Object> attrs = Map.of("shape", new int[] {3});
        Graph g = op("elemwise_sub", "diff", op("_random_uniform", "u1", attrs), op("_random_uniform", "u2", attrs))
                .graph();

        assertThat(apply("cse", g, context().build())).isSameAs(g);
    }

    @Test
    void neverMergesBatchNormMovingItsStatistics() {
        Symbol[] in = {var("x"), var("gamma"), var("beta"), var("mean"), var("var")};
        Graph g = op("elemwise_add", "sum", op("BatchNorm", "bn1", in), op("BatchNorm", "bn2", in)).graph();
        Object[] shapes = {"x", Shape.of(4, 3), "gamma", Shape.of(3), "beta", Shape.of(3), "mean", Shape.of(3),
                "var", Shape.of(3)};

        assertThat(apply("cse", g, context(shapes).training(true).build())).isSameAs(g);
        PassContext predict = context(shapes).training(false).build();
        Graph out = apply("cse", g, predict);
        assertThat(names(out)).doesNotContain("bn2");
        assertSameOutputs(g, out, predict);
    }

    @Test
    void keepsTwoGraphOutputsDistinct() {
        Symbol x = var("x");
        Graph twoOutputs = Symbol.group(op("relu", "r1", x), op("relu", "r2", x)).graph();
        Graph firstAndInner = Symbol.group(op("relu", "a", x), op("exp", "b", op("relu", "c", x))).graph();

        assertThat(apply("cse", twoOutputs, context("x", Shape.of(2)).build())).isSameAs(twoOutputs);
        // An inner node may merge into an output node: the output stays one array, read by more nodes.
        Graph merged = apply("cse", firstAndInner, context("x", Shape.of(2)).build());
        assertThat(names(merged)).containsExactly("x", "a", "b");
        assertSameOutputs(firstAndInner, merged, context("x", Shape.of(2)).build());
    }
}
