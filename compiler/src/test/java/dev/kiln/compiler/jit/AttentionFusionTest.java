package dev.kiln.compiler.jit;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

class AttentionFusionTest {
    /** (B, T, H * D) -> (B * H, T, D), as an attention layer splits its heads. */
    private static Symbol split(Symbol x, String name, int heads) {
        Symbol four = sym.call("Reshape", Map.of("name", name + "_heads", "shape", IntTuple.of(0, 0, heads, -1)), x);
        Symbol moved = sym.call("transpose", Map.of("name", name + "_t", "axes", IntTuple.of(0, 2, 1, 3)), four);
        return sym.call("Reshape", Map.of("name", name + "_bh", "shape", IntTuple.of(-3, 0, 0)), moved);
    }

    /** (B * H, T, N) -> (B, T, H * N). */
    private static Symbol merge(Symbol x, int heads) {
        Symbol four = sym.call("Reshape", Map.of("name", "m_heads", "shape", IntTuple.of(-4, -1, heads, 0, 0)), x);
        Symbol moved = sym.call("transpose", Map.of("name", "m_t", "axes", IntTuple.of(0, 2, 1, 3)), four);
        return sym.call("Reshape", Map.of("name", "m_merge", "shape", IntTuple.of(0, 0, -3)), moved);
    }

    /** The scores of the split heads, scaled by {@code scale} (none for 1) and soft-maxed along the keys. */
    private static Symbol probabilities(int heads, double scale) {
        Symbol scores = sym.call("batch_dot", Map.of("name", "scores", "transpose_b", true),
                split(Symbol.var("q"), "q", heads), split(Symbol.var("k"), "k", heads));
        Symbol scaled = scale == 1 ? scores : sym.call("_mul_scalar", Map.of("name", "scale", "scalar", scale),
                scores);
        return sym.call("softmax", Map.of("name", "attn", "axis", -1), scaled);
    }

    /**
     * Multi-head attention over (B, T, H * D) queries, keys and values, the context merged back to (B, T, H * D) and
     * read by a ReLU (a merge that is itself the graph's output is not folded into the product).
     */
    private static Symbol attention(int heads, double scale) {
        Symbol ctx = sym.call("batch_dot", Map.of("name", "ctx"), probabilities(heads, scale),
                split(Symbol.var("v"), "v", heads));
        return sym.call("relu", Map.of("name", "out"), merge(ctx, heads));
    }

    private static NDArray[] inputs(List<Shape> shapes, long seed) {
        Random r = new Random(seed);
        NDArray[] in = new NDArray[shapes.size()];
        for (int k = 0; k < in.length; k++) {
            double[] v = new double[shapes.get(k).size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (r.nextDouble() - 0.5) * 6;
            }
            in[k] = NDArray.of(shapes.get(k), DType.FLOAT32, v);
        }
        return in;
    }

    private static CompiledGraph compile(Graph g, List<Shape> shapes, boolean gradients) {
        List<String> names = List.of("q", "k", "v");
        return Backends.get(Backends.JIT).compile(new CompileRequest(g, names, shapes,
                Collections.nCopies(names.size(), DType.FLOAT32), gradients, gradients ? names : List.of(), true,
                true, 1));
    }

    /** Compiles {@code g} for inference and checks every call against the interpreter bit for bit. */
    private static CompiledGraph checkAgainstInterpreter(Graph g, List<Shape> shapes) {
        CompiledGraph compiled = compile(g, shapes, false);
        for (long seed = 1; seed <= 3; seed++) {
            NDArray[] in = inputs(shapes, seed);
            NDArray[] out = compiled.infer(in);
            List<NDArray> expected = Interpreter.eval(g, Map.of("q", in[0], "k", in[1], "v", in[2]));
            assertSameBits(Arrays.asList(out), expected, "call with seed " + seed);
        }
        return compiled;
    }

    @Test
    void scaledAttentionBecomesOneNodeWithTheInterpretersResults() {
        // 2 images of 37 tokens, 3 heads of 20: rows and keys off the vector width, several matrices per thread
        Shape x = Shape.of(2, 37, 3 * 20);
        CompiledGraph compiled = checkAgainstInterpreter(attention(3, 1 / Math.sqrt(20)).graph(), List.of(x, x, x));
        assertThat(ElementwiseGraphs.opNodes(compiled.compiledGraph())).containsExactly(AttentionOp.NAME + ":ctx", "relu:out");
        OpNode node = (OpNode) compiled.compiledGraph().nodes().stream().filter(n -> n instanceof OpNode).findFirst()
                .orElseThrow();
        assertThat(node.op().doc()).contains("softmax").contains(HeadsBatchDotOp.NAME);
    }

    @Test
    void oneMatrixFusesAndALoneSoftmaxKeepsItsOwnKernel() {
        Shape x = Shape.of(1, 5, 8);
        CompiledGraph one = checkAgainstInterpreter(attention(1, 0.25).graph(), List.of(x, x, x));
        assertThat(ElementwiseGraphs.opNodes(one.compiledGraph())).containsExactly(AttentionOp.NAME + ":ctx", "relu:out");
        // unscaled scores: the softmax is no row group (a group needs two nodes), so the three nodes stay
        CompiledGraph unscaled = checkAgainstInterpreter(attention(1, 1).graph(), List.of(x, x, x));
        assertThat(ElementwiseGraphs.opNodes(unscaled.compiledGraph())).containsExactly(HeadsBatchDotOp.NAME + ":scores", "softmax:attn",
                HeadsBatchDotOp.NAME + ":ctx", "relu:out");
    }

    @Test
    void keysAndValuesOfAnotherLengthThanTheQueries() {
        // cross attention: 6 queries over 11 keys
        Shape q = Shape.of(2, 6, 2 * 4);
        Shape kv = Shape.of(2, 11, 2 * 4);
        CompiledGraph compiled = checkAgainstInterpreter(attention(2, 0.5).graph(), List.of(q, kv, kv));
        assertThat(ElementwiseGraphs.opNodes(compiled.compiledGraph())).containsExactly(AttentionOp.NAME + ":ctx", "relu:out");
    }

    @Test
    void oneValueServingAsQueryKeyAndValueIsOneInput() {
        Symbol x = Symbol.var("x");
        Symbol scores = sym.call("batch_dot", Map.of("name", "scores", "transpose_b", true), split(x, "q", 2),
                split(x, "k", 2));
        Symbol attn = sym.call("softmax", Map.of("name", "attn", "axis", -1),
                sym.call("_mul_scalar", Map.of("name", "scale", "scalar", 0.5), scores));
        Symbol ctx = sym.call("batch_dot", Map.of("name", "ctx"), attn, split(x, "v", 2));
        Graph g = sym.call("relu", Map.of("name", "out"), merge(ctx, 2)).graph();
        Shape shape = Shape.of(2, 7, 2 * 4);
        CompiledGraph compiled = Backends.get(Backends.JIT).compile(new CompileRequest(g, List.of("x"),
                List.of(shape), List.of(DType.FLOAT32), false, List.of(), true, true, 1));
        OpNode node = (OpNode) compiled.compiledGraph().nodes().stream().filter(n -> n instanceof OpNode)
                .findFirst().orElseThrow();
        assertThat(node.op()).isInstanceOf(AttentionOp.class);
        assertThat(node.op().inputNames(node.params())).containsExactly("query_key_value");
        NDArray[] in = inputs(List.of(shape), 6);
        assertSameBits(Arrays.asList(compiled.infer(in)), Interpreter.eval(g, Map.of("x", in[0])), "outputs");
    }

    @Test
    void probabilitiesReadElsewhereOrATrainingGraphKeepTheThreeNodes() {
        Shape x = Shape.of(2, 5, 2 * 4);
        List<Shape> shapes = List.of(x, x, x);
        // the probabilities are an output too
        Symbol p = probabilities(2, 0.5);
        Symbol ctx = merge(sym.call("batch_dot", Map.of("name", "ctx"), p, split(Symbol.var("v"), "v", 2)), 2);
        CompiledGraph both = checkAgainstInterpreter(Symbol.group(List.of(ctx, p)).graph(), shapes);
        assertThat(ElementwiseGraphs.opNodes(both.compiledGraph())).contains(HeadsBatchDotOp.NAME + ":scores", HeadsBatchDotOp.NAME
                + ":ctx").noneMatch(s -> s.startsWith(AttentionOp.NAME));
        // a training graph's backward part reads the probabilities
        Graph g = attention(2, 0.5).graph();
        CompiledGraph training = compile(g, shapes, true);
        assertThat(ElementwiseGraphs.opNodes(training.compiledGraph())).noneMatch(s -> s.startsWith(AttentionOp.NAME));
        NDArray[] in = inputs(shapes, 4);
        CompiledGraph ref = Backends.get(Backends.INTERPRETER).compile(new CompileRequest(g, List.of("q", "k", "v"),
                shapes, Collections.nCopies(3, DType.FLOAT32), true, List.of("q", "k", "v"), true, true, 1));
        var a = training.run(in);
        var b = ref.run(in);
        assertSameBits(Arrays.asList(a.outputs()), Arrays.asList(b.outputs()), "outputs");
        NDArray[] head = inputs(List.of(x), 5);
        assertSameBits(Arrays.asList(a.backward(head)), Arrays.asList(b.backward(head)), "gradients");
    }

    @Test
    void aFusedAttentionGivenOtherShapesIsAClearError() {
        Shape x = Shape.of(1, 5, 8);
        CompiledGraph compiled = compile(attention(1, 0.25).graph(), List.of(x, x, x), false);
        AttentionOp op = (AttentionOp) ((OpNode) compiled.compiledGraph().nodes().stream()
                .filter(n -> n instanceof OpNode).findFirst().orElseThrow()).op();
        Shape other = Shape.of(1, 6, 8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> op.inferShapes(op.defaultAttrs(),
                        List.of(other, other, other)))
                .hasMessageContaining("(1, 6, 8)").hasMessageContaining("static shapes");
    }
}
