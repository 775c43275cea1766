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
import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.compiler.jit.LayerGraphs.conv;
import static dev.kiln.compiler.jit.LayerGraphs.inputs;
import static dev.kiln.compiler.jit.LayerGraphs.ops;
import static dev.kiln.compiler.jit.LayerGraphs.shapes;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** A Pooling that alone reads a convolution and its epilogue joins the fused node, which pools image by image. */
class PoolingFusionTest {
    private static final Map<String, Shape> CNN_INPUT = Map.of("x", Shape.of(3, 16, 14, 14));

    @BeforeEach
    void needsTheImageKernels() {
        assumeThat(VectorSupport.isAvailable()).as("only the vector kernels write image by image").isTrue();
    }

    private static Symbol pool(String name, Symbol x, Object... more) {
        Map<String, Object> attrs = new java.util.HashMap<>(Map.of("name", name, "kernel", new int[] {2, 2},
                "stride", new int[] {2, 2}));
        for (int i = 0; i < more.length; i += 2) {
            attrs.put((String) more[i], more[i + 1]);
        }
        return sym.call("Pooling", attrs, x);
    }

    /** A block of the small CNN: 3x3 convolution with 32 filters, relu, and {@code pooling} after it. */
    private static Symbol block(Symbol x, Object... pooling) {
        return block("", x, pooling);
    }

    /** {@link #block(Symbol, Object...)} with its node names ({@code c, r, p}) after {@code prefix}. */
    private static Symbol block(String prefix, Symbol x, Object... pooling) {
        return pool(prefix + "p", sym.call("relu", Map.of("name", prefix + "r"), conv(prefix + "c", 32,
                new int[] {3, 3}, x, Map.of())), pooling);
    }

    /** Fuses {@code g} and checks it against the unfused graph bit for bit, reference and generated epilogues. */
    private static Graph fuseAndCheck(Graph g, Map<String, Shape> data, long seed) {
        Map<String, Shape> shapes = shapes(g, data);
        Graph fused = EpilogueFusion.apply(g, shapes, ElementwiseGraphs.types(g, DType.FLOAT32));
        Map<String, NDArray> in = inputs(new Random(seed), shapes, DType.FLOAT32);
        List<NDArray> expected = Interpreter.eval(g, in);
        assertSameBits(Interpreter.eval(fused, in), expected, "reference epilogue\n" + GraphText.format(fused));
        assertSameBits(Interpreter.eval(JitBackend.withKernels(fused), in), expected, "generated epilogue");
        return fused;
    }

    private static FusedEpilogueOp fused(Graph g) {
        return (FusedEpilogueOp) ((OpNode) g.nodes().getLast()).op();
    }

    @Test
    void aConvolutionItsReluAndTheMaxPoolingAfterThemBecomeOneNode() {
        Graph fused = fuseAndCheck(block(Symbol.var("x")).graph(), CNN_INPUT, 1);
        assertThat(ops(fused)).containsExactly("var:x", "var:c_weight", "var:c_bias", "_kiln_fused_conv_pool:p");
        FusedEpilogueOp op = fused(fused);
        assertThat(op.pooling().name()).isEqualTo("p");
        assertThat(op.outputNames(op.defaultAttrs())).containsExactly("p");
        assertThat(op.expression().steps()).extracting(FusedExpression.Step::name).containsExactly("r");
        assertThat(op.doc()).contains("each image then pooled by Pooling(").contains("kernel=(2, 2)");
        assertThat(op.inferShapes(op.defaultAttrs(), List.of(Shape.of(3, 16, 14, 14), Shape.of(32, 16, 3, 3),
                Shape.of(32)))).containsExactly(Shape.of(3, 32, 7, 7));
    }

    @Test
    void aPoolingRightAfterTheConvolutionAndOtherPoolingsJoinToo() {
        Symbol x = Symbol.var("x");
        Graph bare = fuseAndCheck(pool("p", conv("c", 32, new int[] {3, 3}, x, Map.of())).graph(), CNN_INPUT, 2);
        assertThat(ops(bare)).last().isEqualTo("_kiln_fused_conv_pool:p");
        assertThat(fused(bare).expression().steps()).isEmpty();
        Graph avg = fuseAndCheck(block(x, "pool_type", "avg", "kernel", new int[] {3, 3}, "pad", new int[] {1, 1})
                .graph(), CNN_INPUT, 3);
        assertThat(ops(avg)).last().isEqualTo("_kiln_fused_conv_pool:p");
    }

    @Test
    void aPoolingIsLeftAloneWhereTheConvolutionsValueIsReadElsewhere() {
        Symbol x = Symbol.var("x");
        Symbol r = sym.call("relu", Map.of("name", "r"), conv("c", 32, new int[] {3, 3}, x, Map.of()));
        Graph g = Symbol.group(pool("p", r), r).graph();
        Graph fused = fuseAndCheck(g, CNN_INPUT, 4);
        assertThat(ops(fused)).contains("_kiln_fused_conv:r", "Pooling:p");
        // a step reading an operand (a per-channel bias added) keeps the pooling apart
        Symbol h = conv("c", 32, new int[] {3, 3}, x, Map.of("no_bias", true));
        Symbol added = sym.call("broadcast_add", Map.of("name", "add"), h, Symbol.var("b"));
        Graph withOperand = fuseAndCheck(pool("p", added).graph(), Map.of("x", Shape.of(3, 16, 14, 14), "b",
                Shape.of(1, 32, 1, 1)), 5);
        assertThat(ops(withOperand)).contains("_kiln_fused_conv:add", "Pooling:p");
        // a layer that is not convolved image by image (deep: the products) keeps its pooling apart
        Graph deep = fuseAndCheck(pool("p", conv("c", 64, new int[] {3, 3}, x, Map.of())).graph(),
                Map.of("x", Shape.of(2, 64, 6, 6)), 6);
        assertThat(ops(deep)).contains("Pooling:p");
    }

    @Test
    void aTrainingGraphKeepsThePoolingApartForItsGradient() {
        Symbol y = block(Symbol.var("x"));
        GradientGraph gg = GraphGradient.of(y.graph()).heads(0).wrt("x", GradReq.WRITE)
                .wrt("c_weight", GradReq.WRITE).wrt("c_bias", GradReq.WRITE).build();
        Graph g = gg.graph();
        Map<String, Shape> shapes = shapes(g, Map.of("x", Shape.of(3, 16, 14, 14), g.node(g.variableNodes().getLast())
                .name(), Shape.of(3, 32, 7, 7)));
        var result = EpilogueFusion.apply(g, gg.numForwardNodes(), shapes, ElementwiseGraphs.types(g, DType.FLOAT32),
                true);
        assertThat(ops(result.graph())).contains("Pooling:p").noneMatch(o -> o.startsWith("_kiln_fused_conv_pool"));
    }

    @Test
    void aCompiledInferenceGraphPoolsInItsFusedNodeAndKeepsThePackedWeight() {
        Symbol y = block("b_", block("a_", Symbol.var("x")));
        Graph g = y.graph();
        Map<String, Shape> shapes = shapes(g, Map.of("x", Shape.of(2, 16, 28, 28)));
        List<String> names = new ArrayList<>(shapes.keySet());
        CompileRequest req = new CompileRequest(g, names, new ArrayList<>(shapes.values()),
                Collections.nCopies(names.size(), DType.FLOAT32), false, List.of(), true, true, 1,
                Set.of("a_c_weight", "a_c_bias", "b_c_weight", "b_c_bias"));
        CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
        CompiledGraph ref = Backends.get(Backends.INTERPRETER).compile(req);
        NDArray[] in = inputs(new Random(7), shapes, DType.FLOAT32).values().toArray(NDArray[]::new);
        for (int call = 0; call < 2; call++) {
            assertSameBits(Arrays.asList(jit.run(in).outputs()), Arrays.asList(ref.run(in).outputs()), "call " + call);
        }
        assertThat(ops(jit.compiledGraph())).filteredOn(o -> o.startsWith("_kiln_fused_conv_pool")).hasSize(2);
    }
}
