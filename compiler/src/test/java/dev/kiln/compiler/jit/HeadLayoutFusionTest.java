package dev.kiln.compiler.jit;

import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

class HeadLayoutFusionTest {
    private static final int HEADS = 3;

    /** (B, T, H * D) -> (B * H, T, D), as an attention layer splits its heads. */
    private static Symbol split(Symbol x, String name) {
        Symbol four = sym.call("Reshape", Map.of("name", name + "_heads", "shape", IntTuple.of(0, 0, HEADS, -1)), x);
        Symbol moved = sym.call("transpose", Map.of("name", name + "_t", "axes", IntTuple.of(0, 2, 1, 3)), four);
        return sym.call("Reshape", Map.of("name", name + "_bh", "shape", IntTuple.of(-3, 0, 0)), moved);
    }

    /** (B * H, T, N) -> (B, T, H * N). */
    private static Symbol merge(Symbol x) {
        Symbol four = sym.call("Reshape", Map.of("name", "m_heads", "shape", IntTuple.of(-4, -1, HEADS, 0, 0)), x);
        Symbol moved = sym.call("transpose", Map.of("name", "m_t", "axes", IntTuple.of(0, 2, 1, 3)), four);
        return sym.call("Reshape", Map.of("name", "m_merge", "shape", IntTuple.of(0, 0, -3)), moved);
    }

    private static Symbol batchDot(String name, Symbol a, Symbol b, boolean ta, boolean tb) {
        return sym.call("batch_dot", Map.of("name", name, "transpose_a", ta, "transpose_b", tb), a, b);
    }

    private static Map<String, NDArray> inputs(Graph g, Map<String, Shape> shapes, DType t, long seed) {
        Random r = new Random(seed);
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i : g.variableNodes()) {
            Shape s = shapes.get(g.node(i).name());
            double[] v = new double[s.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (r.nextDouble() - 0.5) * 4;
            }
            m.put(g.node(i).name(), NDArray.of(s, t, v));
        }
        return m;
    }

    /** Folds {@code g}, checks the folded graph against the original bit for bit and returns it. */
    private static Graph foldAndCheck(Graph g, Map<String, Shape> shapes, DType t, int expectedFolds) {
        FusionPass.Result r = HeadLayoutFusion.apply(g, g.size(), shapes, ElementwiseGraphs.types(g, t));
        assertThat(r.groups()).as(GraphText.format(r.graph())).isEqualTo(expectedFolds);
        assertThat(r.numForwardNodes()).isEqualTo(r.graph().size());
        ShapeInference.infer(r.graph(), shapes).requireComplete();
        Map<String, NDArray> in = inputs(g, shapes, t, 7);
        assertSameBits(Interpreter.eval(r.graph(), in), Interpreter.eval(g, in), GraphText.format(r.graph()));
        return r.graph();
    }

    @Test
    void attentionReadsItsHeadsInPlaceAndWritesTheMergedContext() {
        Symbol scores = batchDot("scores", split(Symbol.var("q"), "q"), split(Symbol.var("k"), "k"), false, true);
        Symbol attn = sym.call("softmax", Map.of("name", "attn", "axis", -1), scores);
        Symbol ctx = merge(batchDot("ctx", attn, split(Symbol.var("v"), "v"), false, false));
        Symbol out = sym.call("relu", Map.of("name", "out"), ctx);
        Shape x = Shape.of(2, 5, HEADS * 4);
        Graph folded = foldAndCheck(out.graph(), Map.of("q", x, "k", x, "v", x), DType.FLOAT32, 2);
        assertThat(ElementwiseGraphs.opNodes(folded)).containsExactly(HeadsBatchDotOp.NAME + ":scores", "softmax:attn",
                HeadsBatchDotOp.NAME + ":ctx", "relu:out");
        assertThat(ShapeInference.infer(folded, Map.of("q", x, "k", x, "v", x)).entry(3, 0))
                .isEqualTo(Shape.of(2 * HEADS, 5, 5));
    }

    /**
     * The folded products declare they fill their outputs, so a static arena hands them last call's values without
     * clearing: every call must still equal the interpreter's result for its own inputs.
     */
    @Test
    void compiledAttentionOverwritesItsReusedBuffersOnEveryCall() {
        Symbol scores = batchDot("scores", split(Symbol.var("q"), "q"), split(Symbol.var("k"), "k"), false, true);
        Symbol attn = sym.call("softmax", Map.of("name", "attn", "axis", -1), scores);
        Symbol ctx = merge(batchDot("ctx", attn, split(Symbol.var("v"), "v"), false, false));
        Graph g = ctx.graph();
        Shape x = Shape.of(2, 5, HEADS * 4);
        Map<String, Shape> shapes = Map.of("q", x, "k", x, "v", x);
        List<String> names = List.of("q", "k", "v");
        dev.kiln.compiler.CompiledGraph compiled = dev.kiln.compiler.Backends.get("jit").compile(
                new dev.kiln.compiler.CompileRequest(g, names, List.of(x, x, x), List.of(DType.FLOAT32,
                        DType.FLOAT32, DType.FLOAT32), false, List.of(), true, true, 1));
        assertThat(compiled.compiledGraph().nodes()).anyMatch(n -> n instanceof OpNode op
                && op.op() instanceof HeadsBatchDotOp);
        for (long seed = 1; seed <= 3; seed++) {
            Map<String, NDArray> in = inputs(g, shapes, DType.FLOAT32, seed);
            NDArray[] out = compiled.infer(names.stream().map(in::get).toArray(NDArray[]::new));
            assertSameBits(List.of(out), Interpreter.eval(g, in), "call with seed " + seed);
        }
    }

    @Test
    void aTransposedSplitOperandMeetsAPlainOneAndThePlainResultStays() {
        // lhs: heads of (2, 5, 12) read transposed, (6, 4, 5) matrices; rhs plain (6, 5, 7)
        Symbol y = batchDot("d", split(Symbol.var("q"), "q"), Symbol.var("w"), true, false);
        Graph folded = foldAndCheck(y.graph(), Map.of("q", Shape.of(2, 5, HEADS * 4), "w", Shape.of(2 * HEADS, 5, 7)),
                DType.FLOAT32, 1);
        assertThat(ElementwiseGraphs.opNodes(folded)).containsExactly(HeadsBatchDotOp.NAME + ":d");
        // a plain lhs with a merged result only
        Symbol z = sym.call("relu", Map.of("name", "out"),
                merge(batchDot("d", Symbol.var("a"), Symbol.var("b"), false, true)));
        Graph merged = foldAndCheck(z.graph(), Map.of("a", Shape.of(2 * HEADS, 4, 6), "b",
                Shape.of(2 * HEADS, 5, 6)), DType.FLOAT32, 1);
        assertThat(ElementwiseGraphs.opNodes(merged)).containsExactly(HeadsBatchDotOp.NAME + ":d", "relu:out");
    }

    @Test
    void chainValuesReadElsewhereStay() {
        // the split's transpose is also an output: the product still reads the source, the transpose stays
        Symbol moved = sym.call("transpose", Map.of("name", "t", "axes", IntTuple.of(0, 2, 1, 3)),
                sym.call("Reshape", Map.of("name", "h", "shape", IntTuple.of(0, 0, HEADS, -1)), Symbol.var("q")));
        Symbol bh = sym.call("Reshape", Map.of("name", "bh", "shape", IntTuple.of(-3, 0, 0)), moved);
        Symbol dot = batchDot("d", bh, bh, false, true);
        Graph folded = foldAndCheck(Symbol.group(List.of(dot, moved)).graph(),
                Map.of("q", Shape.of(2, 5, HEADS * 2)), DType.FLOAT32, 1);
        assertThat(ElementwiseGraphs.opNodes(folded)).containsExactly("Reshape:h", "transpose:t", HeadsBatchDotOp.NAME + ":d");
        // a merge chain with a second reader of its transpose is not merged
        Symbol four = sym.call("Reshape", Map.of("name", "m4", "shape", IntTuple.of(-4, -1, HEADS, 0, 0)),
                batchDot("d", Symbol.var("a"), Symbol.var("b"), false, false));
        Symbol t = sym.call("transpose", Map.of("name", "mt", "axes", IntTuple.of(0, 2, 1, 3)), four);
        Symbol m = sym.call("Reshape", Map.of("name", "mm", "shape", IntTuple.of(0, 0, -3)), t);
        Graph g = Symbol.group(List.of(sym.call("relu", Map.of("name", "r"), m), t)).graph();
        FusionPass.Result r = HeadLayoutFusion.apply(g, g.size(), Map.of("a", Shape.of(2 * HEADS, 4, 5), "b",
                Shape.of(2 * HEADS, 5, 2)), ElementwiseGraphs.types(g, DType.FLOAT32));
        assertThat(r.groups()).isZero();
        assertThat(r.graph()).isSameAs(g);
    }

    @Test
    void otherTransposesAndDtypesAreLeftAlone() {
        Symbol four = sym.call("Reshape", Map.of("name", "h", "shape", IntTuple.of(0, 0, HEADS, -1)), Symbol.var("q"));
        Symbol moved = sym.call("transpose", Map.of("name", "t", "axes", IntTuple.of(0, 1, 3, 2)), four);
        Symbol bh = sym.call("Reshape", Map.of("name", "bh", "shape", IntTuple.of(-3, 0, 0)), moved);
        Graph g = batchDot("d", bh, Symbol.var("w"), false, false).graph();
        Map<String, Shape> shapes = Map.of("q", Shape.of(2, 4, HEADS * 4), "w", Shape.of(2 * 4, 3, 5));
        FusionPass.Result r = HeadLayoutFusion.apply(g, g.size(), shapes, ElementwiseGraphs.types(g, DType.FLOAT32));
        assertThat(r.graph()).isSameAs(g);
        Graph attention = batchDot("d", split(Symbol.var("q"), "q"), split(Symbol.var("k"), "k"), false, true)
                .graph();
        Shape x = Shape.of(2, 5, HEADS * 4);
        FusionPass.Result f64 = HeadLayoutFusion.apply(attention, attention.size(), Map.of("q", x, "k", x),
                ElementwiseGraphs.types(attention, DType.FLOAT64));
        assertThat(f64.graph()).isSameAs(attention);
    }
}
