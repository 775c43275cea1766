package dev.kiln.compiler.pass;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.NodeExecutionException;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
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
import static dev.kiln.compiler.pass.PassTesting.nodesApplying;
import static dev.kiln.compiler.pass.PassTesting.op;
import static dev.kiln.compiler.pass.PassTesting.var;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConstantFoldingTest {
    private static final Map<String, Object> ONES_2X3 = Map.of("shape", new int[] {2, 3});

    private static OpNode node(Graph g, String name) {
        return (OpNode) g.node(g.indexOf(name));
    }

    @Test
    void foldsAChainOfCreationOpsIntoOneConstantUnderTheLastNodesName() {
        Symbol twos = op("_mul_scalar", "twos", Map.of("scalar", 2.0), op("_ones", "ones", ONES_2X3));
        Graph g = op("elemwise_add", "sum", var("x"), twos).graph();
        PassContext ctx = context("x", Shape.of(2, 3)).build();

        Graph out = apply("fold", g, ctx);

        assertThat(out.toString()).isEqualTo(lines(
                "%0 = var x",
                "%1 = _kiln_constant[value=float32 (2, 3)]()  # twos",
                "%2 = elemwise_add(%0, %1)  # sum",
                "outputs: %2"));
        assertThat(ConstantOp.values(node(out, "twos")).get(0).toDoubleArray()).containsOnly(2.0).hasSize(6);
        assertSameOutputs(g, out, ctx);
    }

    @Test
    void foldsComputationsOnVariablesGivenAsConstants() {
        NDArray w = NDArray.of(Shape.of(4, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        Graph g = op("dot", "d", var("x"), op("transpose", "wt", var("w"))).graph();
        PassContext ctx = context("x", Shape.of(2, 3)).constant("w", w).build();

        Graph out = apply("fold", g, ctx);

        assertThat(names(out)).containsExactly("x", "w", "wt", "d");
        NDArray wt = ConstantOp.values(node(out, "wt")).get(0);
        assertThat(wt.shape()).isEqualTo(Shape.of(3, 4));
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(wt.getDouble(j, i)).isEqualTo(w.getDouble(i, j));
            }
        }
        assertSameOutputs(g, out, ctx);
    }

    @Test
    void foldsEveryOutputOfAMultiOutputNode() {
        Symbol grid = op("Reshape", "grid", Map.of("shape", new int[] {2, 4}),
                op("_arange", "ar", Map.of("start", 0.0, "stop", 8.0)));
        Symbol halves = sym.apply("SliceChannel", Map.of("name", "halves", "num_outputs", 2, "axis", 1),
                List.of(grid)).get(1);
        Graph g = op("elemwise_add", "sum", var("x"), halves).graph();
        PassContext ctx = context("x", Shape.of(2, 2)).build();

        Graph out = apply("fold", g, ctx);

        OpNode constant = node(out, "halves");
        assertThat(constant.op()).isSameAs(ConstantOp.INSTANCE);
        assertThat(ConstantOp.values(constant)).hasSize(2);
        assertThat(ConstantOp.values(constant).get(1).toDoubleArray()).containsExactly(2, 3, 6, 7);
        assertSameOutputs(g, out, ctx);
    }

    @Test
    void leavesGraphOutputsComputedPerRun() {
        Graph g = op("_mul_scalar", "twos", Map.of("scalar", 2.0), op("_ones", "ones", ONES_2X3)).graph();

        Graph out = apply("fold", g, context().build());

        assertThat(node(out, "twos").op().name()).isEqualTo("_mul_scalar");
        assertThat(node(out, "ones").op()).isSameAs(ConstantOp.INSTANCE);
    }

    @Test
    void neverFoldsRandomOps() {
        Symbol noise = op("_random_uniform", "u", ONES_2X3);
        Graph g = op("elemwise_add", "sum", var("x"), op("_plus_scalar", "shifted", Map.of("scalar", 1.0), noise))
                .graph();

        assertThat(apply("fold", g, context("x", Shape.of(2, 3)).build())).isSameAs(g);
    }

    @Test
    void neverFoldsWhatBatchNormUpdatesInPlaceInTraining() {
        Map<String, Object> three = Map.of("shape", new int[] {3});
        Symbol bn = op("BatchNorm", "bn", var("x"), var("gamma"), var("beta"), op("_zeros", "mean", three),
                op("_ones", "var", three));
        Graph g = bn.graph();
        Object[] shapes = {"x", Shape.of(4, 3), "gamma", Shape.of(3), "beta", Shape.of(3)};

        Graph training = apply("fold", g, context(shapes).training(true).build());
        PassContext predict = context(shapes).training(false).build();
        Graph predicted = apply("fold", g, predict);

        assertThat(training).isSameAs(g);
        assertThat(nodesApplying(predicted, "_kiln_constant")).containsExactly("mean", "var");
        assertSameOutputs(g, predicted, predict);
    }

    @Test
    void leavesANodeThatFailsToTheRunWhichReportsIt() {
        Symbol bad = op("Reshape", "bad", Map.of("shape", new int[] {4}), op("_ones", "ones", ONES_2X3));
        Graph g = op("relu", "r", bad).graph();

        Graph out = apply("fold", g, context().build());

        assertThat(node(out, "bad").op().name()).isEqualTo("Reshape");
        assertThatThrownBy(() -> Interpreter.eval(out, Map.of(), false))
                .isInstanceOf(NodeExecutionException.class).hasMessageContaining("'bad'");
    }

    @Test
    void constantsKeepTheirArraysAcrossRuns() {
        Graph g = op("elemwise_add", "sum", var("x"), op("_ones", "ones", ONES_2X3)).graph();
        PassContext ctx = context("x", Shape.of(2, 3)).build();
        Graph out = apply("fold", g, ctx);
        NDArray held = ConstantOp.values(node(out, "ones")).get(0);

        Graph readsConstant = out.withOutputs(List.of(new Entry(out.indexOf("ones"), 0)));

        Map<String, NDArray> x = Map.of("x", NDArray.zeros(2, 3));
        assertThat(Interpreter.eval(readsConstant, x, false).get(0)).isSameAs(held);
        assertThat(Interpreter.eval(readsConstant, x, false).get(0)).isSameAs(held);
        assertSameOutputs(g, out, ctx);
    }
}
