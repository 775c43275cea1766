package dev.kiln.compiler.pass;

import dev.kiln.graph.Graph;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.compiler.pass.PassTesting.apply;
import static dev.kiln.compiler.pass.PassTesting.assertSameOutputs;
import static dev.kiln.compiler.pass.PassTesting.context;
import static dev.kiln.compiler.pass.PassTesting.lines;
import static dev.kiln.compiler.pass.PassTesting.names;
import static dev.kiln.compiler.pass.PassTesting.op;
import static dev.kiln.compiler.pass.PassTesting.var;
import static org.assertj.core.api.Assertions.assertThat;

class DeadCodeEliminationTest {

    /** The graph of {@code live} and {@code dead} with only {@code live}'s outputs: {@code dead}'s nodes are unread. */
    private static Graph withDeadBranch(Symbol live, Symbol dead) {
        Graph g = Symbol.group(live, dead).graph();
        return g.withOutputs(g.outputs().subList(0, 1));
    }

    @Test
    void removesOpNodesNoOutputReads() {
        Symbol x = var("x");
        Symbol y = var("y");
        Graph g = withDeadBranch(op("relu", "r", x), op("exp", "e", op("sigmoid", "s", y)));
        PassContext ctx = context("x", Shape.of(2, 3), "y", Shape.of(2, 3)).build();

        Graph out = apply("dce", g, ctx);

        assertThat(out.toString()).isEqualTo(lines(
                "%0 = var x",
                "%1 = relu(%0)  # r",
                "%2 = var y",
                "outputs: %1"));
        assertSameOutputs(g, out, ctx);
    }

    @Test
    void keepsVariablesNothingReads() {
        Graph g = withDeadBranch(op("relu", "r", var("x")), op("exp", "e", var("unused")));

        Graph out = apply("dce", g, context("x", Shape.of(2), "unused", Shape.of(2)).build());

        assertThat(names(out)).containsExactly("x", "r", "unused");
    }

    @Test
    void returnsTheSameGraphWhenEverythingIsRead() {
        Graph g = op("elemwise_add", "a", op("relu", "r", var("x")), var("y")).graph();

        assertThat(apply("dce", g, context().build())).isSameAs(g);
    }

    @Test
    void keepsBatchNormThatMovesItsStatisticsInTrainingOnly() {
        Symbol bn = op("BatchNorm", "bn", var("x"), var("gamma"), var("beta"), var("mean"), var("var"));
        Graph g = withDeadBranch(op("relu", "r", var("x")), bn);
        Object[] shapes = {"x", Shape.of(4, 3), "gamma", Shape.of(3), "beta", Shape.of(3), "mean", Shape.of(3),
                "var", Shape.of(3)};

        Graph training = apply("dce", g, context(shapes).training(true).build());
        Graph predict = apply("dce", g, context(shapes).training(false).build());

        assertThat(names(training)).contains("bn");
        assertThat(names(predict)).doesNotContain("bn");
    }

    @Test
    void keepsUnreadRandomDrawsSoLaterDrawsStayTheSame() {
        Symbol x = var("x");
        Symbol dropped = op("Dropout", "drop", Map.of("p", 0.5), x);
        Graph g = Symbol.group(op("_random_uniform", "u", Map.of("shape", new int[] {4})), dropped).graph();
        g = g.withOutputs(List.of(g.outputs().get(1)));
        PassContext ctx = context("x", Shape.of(8, 8)).training(true).build();

        Graph out = apply("dce", g, ctx);

        assertThat(names(out)).contains("u");
        assertSameOutputs(g, out, ctx);
        // Without the unread draw the mask comes from another key: the pass must not drop it.
        Graph withoutDraw = dropped.graph();
        PassTesting.assertDiffer(g, withoutDraw, ctx);
    }
}
