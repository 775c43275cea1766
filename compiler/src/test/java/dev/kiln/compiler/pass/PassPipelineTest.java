package dev.kiln.compiler.pass;

import dev.kiln.KilnException;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.kiln.compiler.pass.PassTesting.assertSameOutputs;
import static dev.kiln.compiler.pass.PassTesting.context;
import static dev.kiln.compiler.pass.PassTesting.lines;
import static dev.kiln.compiler.pass.PassTesting.op;
import static dev.kiln.compiler.pass.PassTesting.var;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PassPipelineTest {

    /** Something for every pass: an identity, a duplicate, a constant subgraph and, after those, dead code. */
    private static Graph messy() {
        Symbol x = var("x");
        Symbol scaled = op("_mul_scalar", "one", Map.of("scalar", 1.0), op("relu", "r1", x));
        Symbol same = op("relu", "r2", x);
        Symbol bias = op("_plus_scalar", "bias", Map.of("scalar", 3.0),
                op("_zeros", "zeros", Map.of("shape", new int[] {2, 3})));
        return op("elemwise_add", "out", op("elemwise_mul", "sq", scaled, same), bias).graph();
    }

    @Test
    void theStandardPipelineRunsItsPassesInOrder() {
        assertThat(PassPipeline.standard(true).passNames()).containsExactly("dce", "fold", "simplify", "cse", "dce");
        assertThat(PassPipeline.standard(true).name()).isEqualTo("standard-training");
        assertThat(PassPipeline.standard(false).name()).isEqualTo("standard-inference");
        assertThat(PassPipeline.standard(false).passNames()).containsExactly("dce", "fold", "simplify",
                "fold-batchnorm", "fold-scale", "cse", "dce");
    }

    @Test
    void theStandardPipelineSimplifiesAGraphAndKeepsItsOutputs() {
        Graph g = messy();
        PassContext ctx = context("x", Shape.of(2, 3)).build();

        PassPipeline.Result result = PassPipeline.standard(false).run(g, ctx);

        assertThat(result.graph().toString()).isEqualTo(lines(
                "%0 = var x",
                "%1 = relu(%0)  # r1",
                "%2 = elemwise_mul(%1, %1)  # sq",
                "%3 = _kiln_constant[value=float32 (2, 3)]()  # bias",
                "%4 = elemwise_add(%2, %3)  # out",
                "outputs: %4"));
        assertSameOutputs(g, result.graph(), ctx);
    }

    @Test
    void recordsNodeCountsOfEveryPass() {
        Graph g = messy();

        PassPipeline.Result result = PassPipeline.standard(false).run(g, context("x", Shape.of(2, 3)).build());

        List<PassRecord> records = result.records();
        assertThat(records).extracting(PassRecord::pass).containsExactly("dce", "fold", "simplify", "fold-batchnorm",
                "fold-scale", "cse", "dce");
        assertThat(records.getFirst().nodesBefore()).isEqualTo(g.size());
        for (int k = 1; k < records.size(); k++) {
            assertThat(records.get(k).nodesBefore()).isEqualTo(records.get(k - 1).nodesAfter());
        }
        assertThat(records.getLast().nodesAfter()).isEqualTo(result.graph().size());
        assertThat(records).allMatch(r -> r.nanos() >= 0);
        assertThat(result.toString()).contains("fold", "nodes");
    }

    @Test
    void printsTheAnnotatedGraphAfterTheNamedPasses() {
        List<String> printed = new ArrayList<>();
        PassPipeline p = PassPipeline.standard(false).printAfter(printed::add, "cse");

        p.run(messy(), context("x", Shape.of(2, 3)).build());

        assertThat(printed).hasSize(1);
        assertThat(printed.getFirst())
                .startsWith("graph after pass 'cse' of standard-inference (6 -> 5 nodes):\n%0 = var x : (2, 3) float32\n")
                .contains("%2 = elemwise_mul(%1, %1) : (2, 3) float32  # sq");
    }

    @Test
    void printsAfterEveryPassRunWhenAskedForAll() {
        List<String> printed = new ArrayList<>();

        PassPipeline.standard(false).printAfterAll(printed::add).run(messy(), context("x", Shape.of(2, 3)).build());

        assertThat(printed).hasSize(7);
        assertThat(printed.get(0)).startsWith("graph after pass 'dce'");
        assertThat(printed.get(3)).startsWith("graph after pass 'fold-batchnorm'");
        assertThat(printed.get(6)).startsWith("graph after pass 'dce'");
    }

    @Test
    void unknownPassNamesAreErrorsListingTheKnownOnes() {
        assertThatThrownBy(() -> PassPipeline.of("mine", "dce", "licm"))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("unknown compiler pass 'licm'")
                .hasMessageContaining("[dce, cse, fold, simplify, fold-batchnorm, fold-scale]");
        assertThatThrownBy(() -> PassPipeline.of("mine", "dce").printAfter(s -> { }, "cse"))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("pipeline 'mine' has no pass 'cse'").hasMessageContaining("[dce]");
    }

    @Test
    void thePrintAfterPropertyLogsThroughTheSystemLogger() {
        Logger jul = Logger.getLogger(PassPipeline.class.getName());
        List<String> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(handler);
        System.setProperty(PassPipeline.PRINT_AFTER_PROPERTY, "fold, simplify");
        try {
            PassPipeline.standard(false).run(messy(), context("x", Shape.of(2, 3)).build());
            assertThat(logged).hasSize(2);
            assertThat(logged.get(0)).startsWith("graph after pass 'fold'");
            assertThat(logged.get(1)).startsWith("graph after pass 'simplify'");

            System.setProperty(PassPipeline.PRINT_AFTER_PROPERTY, "fold,cse2");
            assertThatThrownBy(() -> PassPipeline.standard(false).run(messy(), context().build()))
                    .isInstanceOf(KilnException.class).hasMessageContaining("unknown pass 'cse2'")
                    .hasMessageContaining("[cse, dce, fold, fold-batchnorm, fold-scale, simplify]");
        } finally {
            System.clearProperty(PassPipeline.PRINT_AFTER_PROPERTY);
            jul.removeHandler(handler);
        }
    }

    @Test
    void leavesAGraphWhoseShapesCannotBeInferredToFailWhereItRuns() {
        Graph g = op("dot", "d", op("_copy", "c", var("a")), var("b")).graph();
        PassContext ctx = context("a", Shape.of(2, 3), "b", Shape.of(4, 5)).build();

        PassPipeline.Result result = PassPipeline.standard(false).run(g, ctx);

        assertThat(result.graph()).isSameAs(g);
        assertThat(result.records()).isEmpty();
    }

    @Test
    void aPassThatChangesTheGraphsInterfaceFailsNamingIt() {
        Pass dropsOutput = new Pass() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Graph apply(Graph graph, PassContext ctx) {
                return graph.withOutputs(graph.outputs().subList(0, 1));
            }
        };
        Graph g = Symbol.group(op("relu", "a", var("x")), op("exp", "b", var("x"))).graph();

        assertThatThrownBy(() -> PassPipeline.of("p", List.of(dropsOutput)).run(g, context().build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pass 'broken' changed the number of graph outputs from 2 to 1");
    }
}
