package dev.kiln.compiler.jit;

import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FusionPassTest {
    private static final Shape S = Shape.of(3, 5);

    private static Map<String, Object> name(String n) {
        return Map.of("name", n);
    }

    private static Graph fuse(Graph g, DType t) {
        return FusionPass.apply(g, ElementwiseGraphs.shapes(g, S), ElementwiseGraphs.types(g, t));
    }

    private static List<String> ops(Graph g) {
        List<String> out = new ArrayList<>();
        for (var node : g.nodes()) {
            out.add(node instanceof OpNode op ? op.op().name() + ":" + op.name() : "var:" + node.name());
        }
        return out;
    }

    @Test
    void aChainBecomesOneNodeNamedAfterItsLastNode() {
        Symbol x = Symbol.var("x");
        Symbol y = sym.call("_mul_scalar", Map.of("name", "scale", "scalar", 0.5),
                sym.call("exp", name("e"), sym.call("relu", name("r"), x)));
        Graph fused = fuse(y.graph(), DType.FLOAT32);
        assertThat(ops(fused)).containsExactly("var:x", "_fused_elementwise:scale");
        FusedElementwiseOp op = (FusedElementwiseOp) ((OpNode) fused.node(1)).op();
        assertThat(op.expression().steps()).extracting(FusedExpression.Step::name).containsExactly("r", "e", "scale");
        assertThat(op.outputNames(op.defaultAttrs())).containsExactly("scale");
        assertThat(fused.outputs()).containsExactly(new Entry(1, 0));
    }

    @Test
    void differentiatingAFusedGraphIsAClearError() {
        Symbol x = Symbol.var("x");
        Graph fused = fuse(sym.call("exp", name("e"), sym.call("relu", name("r"), x)).graph(), DType.FLOAT32);
        assertThatThrownBy(() -> GraphGradient.of(fused).heads(0).wrt("x", GradReq.WRITE).build())
                .hasMessageContaining("_fused_elementwise").hasMessageContaining("build the gradient graph before");
    }

    @Test
    void aValueReadOutsideTheGroupBecomesAnOutputOfTheGroup() {
        Symbol x = Symbol.var("x");
        Symbol r = sym.call("relu", name("r"), x);
        Symbol t = sym.call("tanh", name("t"), r);
        Symbol s = sym.call("sum", name("s"), r); // not elementwise: reads r from outside the group
        Graph g = Symbol.group(t, s).graph();
        Graph fused = fuse(g, DType.FLOAT64);
        assertThat(ops(fused)).containsExactly("var:x", "_fused_elementwise:t", "sum:s");
        OpNode group = (OpNode) fused.node(1);
        assertThat(group.outputNames()).containsExactly("r", "t");
        assertThat(fused.node(2).inputs()).containsExactly(new Entry(1, 0));
        assertThat(fused.outputs()).containsExactly(new Entry(1, 1), new Entry(2, 0));
        Map<String, NDArray> in = ElementwiseGraphs.inputs(new Random(1), 1, S, DType.FLOAT64);
        in = Map.of("x", in.get("x0"));
        assertSameBits(Interpreter.eval(fused, in), Interpreter.eval(g, in), "fused");
    }

    @Test
    void noGroupLeavesAndReentersItselfSoTheGraphStaysAcyclic() {
        Symbol x = Symbol.var("x");
        Symbol a = sym.call("exp", name("a"), x);
        Symbol b = sym.call("_copy", name("b"), a); // not fusible, between a and c
        Symbol c = sym.call("elemwise_add", name("c"), a, b);
        Graph g = c.graph();
        assertThat(ops(fuse(g, DType.FLOAT32))).isEqualTo(ops(g));
    }

    @Test
    void otherDTypesMixedDTypesAndShapesThatMayBroadcastLaterAreNotFused() {
        Symbol x = Symbol.var("x");
        Symbol y = sym.call("negative", name("n"), sym.call("abs", name("a"), x));
        Graph g = y.graph();
        assertThat(ops(fuse(g, DType.INT32))).isEqualTo(ops(g));
        assertThat(ops(fuse(g, DType.FLOAT16))).isEqualTo(ops(g));

        Symbol w = Symbol.var("w");
        Graph b = sym.call("relu", name("r"), sym.call("broadcast_add", name("ba"), sym.call("exp", name("e"), x),
                w)).graph();
        Graph sameShapes = FusionPass.apply(b, ElementwiseGraphs.shapes(b, S),
                ElementwiseGraphs.types(b, DType.FLOAT32));
        assertThat(ops(sameShapes)).containsExactly("var:x", "var:w", "_fused_elementwise:r");
        assertThat(ops(b)).contains("broadcast_add:ba");
        var dynamic = FusionPass.apply(b, b.size(), Map.of("x", S, "w", Shape.of(1, 5)),
                ElementwiseGraphs.types(b, DType.FLOAT32), false);
        assertThat(ops(dynamic.graph())).as("shapes may change: broadcast_add may broadcast unknowably")
                .isEqualTo(ops(b));

        Graph mixed = sym.call("relu", name("r"), sym.call("broadcast_add", name("ba"), sym.call("Cast",
                Map.of("name", "c", "dtype", "float64"), sym.call("exp", name("e"), x)), w)).graph();
        Graph fused = FusionPass.apply(mixed, Map.of("x", S, "w", Shape.of(1, 5)),
                Map.of("x", DType.FLOAT32, "w", DType.FLOAT64));
        assertThat(ops(fused)).as("float32 exp and the float64 tail stay apart")
                .containsExactly("var:x", "exp:e", "Cast:c", "var:w", "_fused_elementwise:r");
    }

    @Test
    void aGradientGraphFusesItsPartsSeparatelyAndKeepsWhatBackwardReads() {
        Symbol x = Symbol.var("x");
        Symbol y = sym.call("elemwise_mul", name("m"), sym.call("sigmoid", name("s"), sym.call("tanh", name("t"), x)),
                x);
        GradientGraph gg = GraphGradient.of(y.graph()).heads(0).wrt("x", GradReq.WRITE).build();
        Graph g = gg.graph();
        Map<String, Shape> shapes = new java.util.HashMap<>(ElementwiseGraphs.shapes(g, S));
        var fused = FusionPass.apply(g, gg.numForwardNodes(), shapes, ElementwiseGraphs.types(g, DType.FLOAT32),
                true);
        assertThat(fused.groups()).isGreaterThanOrEqualTo(2);
        Graph f = fused.graph();
        for (int i = 0; i < f.size(); i++) {
            for (Entry e : f.node(i).inputs()) {
                if (i < fused.numForwardNodes()) {
                    assertThat(e.node()).as("forward reads forward only").isLessThan(fused.numForwardNodes());
                }
            }
        }
        assertThat(f.outputs()).hasSameSizeAs(g.outputs());
        Random r = new Random(3);
        Map<String, NDArray> in = new java.util.HashMap<>();
        for (int i : g.variableNodes()) {
            in.put(g.node(i).name(), ElementwiseGraphs.input(r, S, DType.FLOAT32));
        }
        assertSameBits(Interpreter.eval(f, in), Interpreter.eval(g, in), "gradient graph");
    }

    @Test
    void aVeryLongChainIsSplitIntoGroupsOfAtMostTheLimit() {
        Symbol v = Symbol.var("x");
        int length = FusionPass.MAX_GROUP + 50;
        for (int k = 0; k < length; k++) {
            v = sym.call(k % 2 == 0 ? "negative" : "abs", name("c" + k), v);
        }
        Graph fused = fuse(v.graph(), DType.FLOAT32);
        assertThat(ops(fused)).containsExactly("var:x", "_fused_elementwise:c" + (FusionPass.MAX_GROUP - 1),
                "_fused_elementwise:c" + (length - 1));
    }

    @Test
    void randomGraphsGiveTheUnfusedResultsBitForBit() {
        Random r = new Random(42);
        int fusedNodes = 0;
        for (int trial = 0; trial < 60; trial++) {
            int numInputs = 1 + r.nextInt(3);
            Graph g = ElementwiseGraphs.random(r, numInputs, 2 + r.nextInt(14));
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                Shape shape = Shape.of(1 + r.nextInt(40));
                Graph fused = FusionPass.apply(g, ElementwiseGraphs.shapes(g, shape), ElementwiseGraphs.types(g, t));
                fusedNodes += (int) fused.nodes().stream()
                        .filter(n -> n instanceof OpNode op && op.op() instanceof FusedElementwiseOp).count();
                Map<String, NDArray> in = ElementwiseGraphs.inputs(r, numInputs, shape, t);
                assertSameBits(Interpreter.eval(fused, in), Interpreter.eval(g, in), "trial " + trial + " " + t
                        + "\n" + g + "\nfused:\n" + fused);
            }
        }
        assertThat(fusedNodes).as("the random graphs do fuse").isGreaterThan(60);
    }
}
