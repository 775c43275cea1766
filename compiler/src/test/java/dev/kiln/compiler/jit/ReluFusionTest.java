package dev.kiln.compiler.jit;

import dev.kiln.autograd.GradReq;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReluFusion}: gradient graphs before and after, and the same outputs and gradients bit for bit as the graph as
 * built, on data with many ties, both zeros, NaN and infinities (so window maxima that are zero, negative or NaN are
 * hit), for pooling windows the one-pass kernel covers and for others, and BatchNorm before the ReLU.
 */
class ReluFusionTest {
    private static Symbol maxPool(Symbol x, String kernel, String stride) {
        return sym.call("Pooling", Map.of("name", "pool", "kernel", kernel, "stride", stride, "pool_type", "max"), x);
    }

    private static Symbol relu(Symbol x) {
        return sym.call("Activation", Map.of("name", "relu", "act_type", "relu"), x);
    }

    private static GradientGraph gradient(Symbol y) {
        return GraphGradient.of(y.graph()).heads(0).wrt("x", GradReq.WRITE).build();
    }

    /** Every variable's shape, from the data's and the head gradient's (the output's). */
    private static Map<String, Shape> shapes(GradientGraph gg, Shape x) {
        Graph g = gg.graph();
        String head = g.node(g.variableNodes().getLast()).name();
        Graph forward = new Graph(g.nodes().subList(0, gg.numForwardNodes()), List.of(g.outputs().getFirst()));
        var inferred = ShapeInference.infer(g, Map.of("x", x,
                head, ShapeInference.infer(forward, Map.of("x", x)).outputs().getFirst()));
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (int i : g.variableNodes()) {
            shapes.put(g.node(i).name(), inferred.entry(i, 0));
        }
        return shapes;
    }

    /** Small integers (many ties, zeros of both signs) with about one in ten NaN or an infinity. */
    private static Map<String, NDArray> inputs(Map<String, Shape> shapes, DType t, long seed) {
        return inputs(shapes, t, seed, true);
    }

    /** Small integers, with {@code specials} about one in ten NaN, an infinity or {@code -0}. */
    private static Map<String, NDArray> inputs(Map<String, Shape> shapes, DType t, long seed, boolean specials) {
        Random r = new Random(seed);
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0};
        Map<String, NDArray> m = new LinkedHashMap<>();
        shapes.forEach((n, s) -> {
            double[] v = new double[s.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = specials && r.nextInt(10) == 0 ? special[r.nextInt(special.length)] : r.nextInt(7) - 3;
            }
            m.put(n, NDArray.of(s, t, v));
        });
        return m;
    }

    private static List<String> ops(Graph g) {
        List<String> out = new ArrayList<>();
        for (var node : g.nodes()) {
            if (node instanceof OpNode op) {
                out.add(op.op().name());
            }
        }
        return out;
    }

    /** Rewrites the gradient graph of {@code y}, checks it against the original bit for bit and returns it. */
    private static Graph rewriteAndCheck(Symbol y, Shape x, DType t, long seed) {
        GradientGraph gg = gradient(y);
        Graph g = gg.graph();
        Map<String, Shape> shapes = shapes(gg, x);
        FusionPass.Result result = ReluFusion.apply(g, gg.numForwardNodes(), ElementwiseGraphs.types(g, t));
        Graph after = result.graph();
        for (int i = 0; i < result.numForwardNodes(); i++) {
            for (var e : after.node(i).inputs()) {
                assertThat(e.node()).as("forward reads forward only").isLessThan(result.numForwardNodes());
            }
        }
        for (long s = seed; s < seed + 3; s++) {
            Map<String, NDArray> in = inputs(shapes, t, s);
            assertSameBits(Interpreter.eval(after, in, true), Interpreter.eval(g, in, true),
                    "rewritten gradient graph\n" + GraphText.format(after));
        }
        return after;
    }

    @Test
    void theProductOfPoolingAndReluGradientsBecomesOneNode() {
        Symbol y = maxPool(relu(Symbol.var("x")), "(2, 2)", "(2, 2)");
        Graph before = gradient(y).graph();
        assertThat(ops(before)).contains("_backward_Pooling", "_greater_scalar", "broadcast_mul");
        Graph after = rewriteAndCheck(y, Shape.of(2, 3, 8, 10), DType.FLOAT32, 1);
        assertThat(ops(after)).containsExactly("Activation", "Pooling", "_kiln_pooling_relu_backward");
        assertThat(after.size()).isEqualTo(before.size() - 2);
        OpNode merged = (OpNode) after.nodes().getLast();
        assertThat(merged.name()).isEqualTo(((OpNode) before.nodes().getLast()).name());
        assertThat(merged.inputs()).hasSize(3);
        assertThat(after.outputs()).hasSize(before.outputs().size());
    }

    @Test
    void windowsTheOnePassKernelDoesNotCoverGiveTheSameGradients() {
        rewriteAndCheck(maxPool(relu(Symbol.var("x")), "(2, 2)", "(2, 2)"), Shape.of(2, 2, 9, 11), DType.FLOAT32, 4);
        Graph overlapping = rewriteAndCheck(maxPool(sym.call("relu", Map.of("name", "r"), Symbol.var("x")),
                "(3, 3)", "(1, 1)"), Shape.of(2, 2, 7, 6), DType.FLOAT32, 7);
        assertThat(ops(overlapping)).contains("_kiln_pooling_relu_backward");
        rewriteAndCheck(maxPool(relu(Symbol.var("x")), "(2, 2)", "(2, 2)"), Shape.of(64, 16, 28, 28),
                DType.FLOAT32, 10);
    }

    @Test
    void otherChainsAndDtypesAreLeftAlone() {
        Symbol sigmoid = maxPool(sym.call("sigmoid", Map.of("name", "s"), Symbol.var("x")), "(2, 2)", "(2, 2)");
        assertThat(ops(rewriteAndCheck(sigmoid, Shape.of(2, 2, 4, 4), DType.FLOAT32, 1)))
                .doesNotContain("_kiln_pooling_relu_backward");
        Symbol avg = sym.call("Pooling", Map.of("name", "pool", "kernel", "(2, 2)", "stride", "(2, 2)",
                "pool_type", "avg"), relu(Symbol.var("x")));
        assertThat(ops(rewriteAndCheck(avg, Shape.of(2, 2, 4, 4), DType.FLOAT32, 1)))
                .doesNotContain("_kiln_pooling_relu_backward");
        Symbol y = maxPool(relu(Symbol.var("x")), "(2, 2)", "(2, 2)");
        assertThat(ops(rewriteAndCheck(y, Shape.of(2, 2, 4, 4), DType.FLOAT64, 1)))
                .doesNotContain("_kiln_pooling_relu_backward");
    }

    @Test
    void batchNormBeforeTheReluWritesItsOutputAndSlopesReadTheRelu() {
        Symbol bn = sym.call("BatchNorm", Map.of("name", "bn", "fix_gamma", false), Symbol.var("x"));
        Symbol pooled = maxPool(relu(bn), "(2, 2)", "(2, 2)");
        Graph fused = rewriteAndCheck(pooled, Shape.of(4, 3, 6, 8), DType.FLOAT32, 30);
        assertThat(ops(fused)).containsExactly("_kiln_batch_norm_relu", "Pooling", "_kiln_pooling_relu_backward",
                "zeros_like", "zeros_like", "_backward_BatchNorm");
        // a ReLU read by another layer: its slope reads the ReLU's output, so the BatchNorm merges too
        Symbol dense = sym.call("FullyConnected", Map.of("name", "fc", "num_hidden", 5), relu(bn));
        Graph g = gradient(dense).graph();
        Graph after = rewriteAndCheck(dense, Shape.of(4, 3, 6, 8), DType.FLOAT32, 33);
        assertThat(ops(after)).contains("_kiln_batch_norm_relu", "_greater_scalar").doesNotContain("Activation");
        assertThat(after.size()).isEqualTo(g.size() - 1);
        // BatchNorm's output read by something else as well stays
        Symbol both = sym.call("elemwise_add", Map.of("name", "add"), relu(bn), bn);
        assertThat(ops(rewriteAndCheck(both, Shape.of(2, 3, 4, 4), DType.FLOAT32, 36)))
                .contains("BatchNorm", "Activation");
    }

    @Test
    void theJitGivesTheInterpretersGradientsThroughConvolutionBatchNormReluAndPooling() {
        Symbol c = sym.call("Convolution", Map.of("name", "c", "num_filter", 4, "kernel", "(3, 3)", "pad", "(1, 1)"),
                Symbol.var("x"));
        Symbol bn = sym.call("BatchNorm", Map.of("name", "bn"), c);
        Symbol y = maxPool(relu(bn), "(2, 2)", "(2, 2)");
        Graph g = y.graph();
        var inferred = ShapeInference.infer(g, Map.of("x", Shape.of(3, 2, 12, 10)));
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (int i : g.variableNodes()) {
            shapes.put(g.node(i).name(), inferred.entry(i, 0));
        }
        List<String> names = new ArrayList<>(shapes.keySet());
        List<String> wrt = List.of("x", "c_weight", "c_bias", "bn_gamma", "bn_beta");
        CompileRequest req = new CompileRequest(g, names, new ArrayList<>(shapes.values()),
                Collections.nCopies(names.size(), DType.FLOAT32), true, wrt, true, false, 1);
        CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
        CompiledGraph ref = Backends.get(Backends.INTERPRETER).compile(req);
        Map<String, NDArray> values = inputs(shapes, DType.FLOAT32, 20, false);
        values.put("bn_moving_var", NDArray.of(shapes.get("bn_moving_var"), DType.FLOAT32, new double[] {1, 2, 3, 4}));
        NDArray[] in = values.values().toArray(NDArray[]::new);
        var a = jit.run(in);
        var b = ref.run(in);
        assertThat(ops(jit.compiledGraph())).contains("_kiln_batch_norm_relu", "_kiln_pooling_relu_backward");
        assertSameBits(Arrays.asList(a.outputs()), Arrays.asList(b.outputs()), "outputs");
        NDArray head = inputs(Map.of("h", Shape.of(3, 4, 6, 5)), DType.FLOAT32, 21, true).get("h");
        assertSameBits(Arrays.asList(a.backward(new NDArray[] {head})),
                Arrays.asList(b.backward(new NDArray[] {head})), "gradients");
    }
}
