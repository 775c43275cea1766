package dev.kiln.compiler.jit;

import dev.kiln.autograd.GradReq;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.DerivedWeights;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.compiler.jit.LayerGraphs.conv;
import static dev.kiln.compiler.jit.LayerGraphs.inputs;
import static dev.kiln.compiler.jit.LayerGraphs.ops;
import static dev.kiln.compiler.jit.LayerGraphs.shapes;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EpilogueFusionTest {
    private static Map<String, Object> name(String n) {
        return Map.of("name", n);
    }

    private static Symbol fc(String n, int hidden, Symbol x, Map<String, Object> more) {
        Map<String, Object> attrs = new HashMap<>(more);
        attrs.put("name", n);
        attrs.put("num_hidden", hidden);
        return sym.call("FullyConnected", attrs, x);
    }

    /**
     * Fuses {@code g}, checks the fused graph with the reference epilogue and with the generated one against the
     * unfused graph bit for bit, and returns the fused graph.
     */
    private static Graph fuseAndCheck(Graph g, Map<String, Shape> data, DType t, long seed) {
        Map<String, Shape> shapes = shapes(g, data);
        Map<String, DType> types = ElementwiseGraphs.types(g, t);
        Graph fused = EpilogueFusion.apply(g, shapes, types);
        Map<String, NDArray> in = inputs(new Random(seed), shapes, t);
        List<NDArray> expected = Interpreter.eval(g, in);
        assertSameBits(Interpreter.eval(fused, in), expected, "reference epilogue\n" + GraphText.format(fused));
        assertSameBits(Interpreter.eval(JitBackend.withKernels(fused), in), expected, "generated epilogue");
        return fused;
    }

    private static FusedEpilogueOp fusedOp(Graph g, int node) {
        return (FusedEpilogueOp) ((OpNode) g.node(node)).op();
    }

    @Test
    void fullyConnectedAndReluBecomeOneLinearNode() {
        Symbol y = sym.call("relu", name("r"), fc("fc", 6, Symbol.var("x"), Map.of()));
        Graph g = y.graph();
        assertThat(GraphText.format(g)).contains("FullyConnected[num_hidden=6](%0, %1, %2)").contains("relu(%3)");
        Graph fused = fuseAndCheck(g, Map.of("x", Shape.of(4, 5)), DType.FLOAT32, 1);
        assertThat(ops(fused)).containsExactly("var:x", "var:fc_weight", "var:fc_bias", "_kiln_fused_linear:r");
        assertThat(GraphText.format(fused)).contains("_kiln_fused_linear(%0, %1, %2)").doesNotContain("relu(%3)");
        FusedEpilogueOp op = fusedOp(fused, 3);
        assertThat(op.emitsBase()).isFalse();
        assertThat(op.expression().steps()).extracting(FusedExpression.Step::name).containsExactly("r");
        assertThat(op.outputNames(op.defaultAttrs())).containsExactly("r");
        assertThat(fused.outputs()).containsExactly(new Entry(3, 0));
    }

    @Test
    void aBiaslessFullyConnectedTakesItsBroadcastBiasAndActivation() {
        Symbol h = fc("fc", 7, Symbol.var("x"), Map.of("no_bias", true, "flatten", false));
        Symbol y = sym.call("relu", name("r"), sym.call("broadcast_add", name("add"), h, Symbol.var("b")));
        Symbol z = sym.call("_mul_scalar", Map.of("name", "half", "scalar", 0.5), y);
        Graph fused = fuseAndCheck(z.graph(), Map.of("x", Shape.of(2, 3, 5), "b", Shape.of(7)), DType.FLOAT32, 2);
        assertThat(ops(fused)).containsExactly("var:x", "var:fc_weight", "var:b", "_kiln_fused_linear:half");
        assertThat(fusedOp(fused, 3).expression().steps()).extracting(FusedExpression.Step::name)
                .containsExactly("add", "r", "half");
        // a (1, 7) bias too, and the bias first
        Symbol w = sym.call("relu", name("r"), sym.call("broadcast_add", name("add"), Symbol.var("b"),
                fc("fc", 7, Symbol.var("x"), Map.of("no_bias", true))));
        Graph f2 = fuseAndCheck(w.graph(), Map.of("x", Shape.of(3, 4), "b", Shape.of(1, 7)), DType.FLOAT64, 3);
        assertThat(ops(f2)).last().isEqualTo("_kiln_fused_linear:r");
    }

    @Test
    void convolutionWithBiasAndReluBecomesOneConvNode() {
        Symbol y = sym.call("relu", name("r"), conv("c", 4, new int[] {3, 3}, Symbol.var("x"), Map.of()));
        Graph fused = fuseAndCheck(y.graph(), Map.of("x", Shape.of(2, 3, 6, 5)), DType.FLOAT32, 4);
        assertThat(ops(fused)).containsExactly("var:x", "var:c_weight", "var:c_bias", "_kiln_fused_conv:r");
        // a bias-free convolution with a per-channel broadcast bias
        Symbol h = conv("c", 4, new int[] {3, 3}, Symbol.var("x"), Map.of("no_bias", true));
        Symbol z = sym.call("relu", name("r"), sym.call("broadcast_add", name("add"), h, Symbol.var("b")));
        Graph f2 = fuseAndCheck(z.graph(), Map.of("x", Shape.of(2, 3, 6, 5), "b", Shape.of(1, 4, 1, 1)),
                DType.FLOAT32, 5);
        assertThat(ops(f2)).containsExactly("var:x", "var:c_weight", "var:b", "_kiln_fused_conv:r");
        Graph f3 = fuseAndCheck(z.graph(), Map.of("x", Shape.of(2, 3, 6, 5), "b", Shape.of(4, 1, 1)),
                DType.FLOAT64, 6);
        assertThat(ops(f3)).last().isEqualTo("_kiln_fused_conv:r");
    }

    @Test
    void convolutionsOfEveryRankTakeLeakyReluAndOtherActivations() {
        Map<String, Object> leaky = Map.of("name", "act", "act_type", "leaky", "slope", 0.1);
        int[][] kernels = {{3}, {3, 3}, {3, 1, 3}};
        Shape[] data = {Shape.of(2, 3, 9), Shape.of(2, 3, 6, 5), Shape.of(1, 2, 4, 3, 5)};
        for (int k = 0; k < kernels.length; k++) {
            Symbol y = sym.call("LeakyReLU", leaky, conv("c", 5, kernels[k], Symbol.var("x"), Map.of()));
            Graph fused = fuseAndCheck(y.graph(), Map.of("x", data[k]), DType.FLOAT32, 10 + k);
            assertThat(ops(fused)).as("rank %d", kernels[k].length).last().isEqualTo("_kiln_fused_conv:act");
        }
        Symbol t = sym.call("Activation", Map.of("name", "act", "act_type", "tanh"),
                conv("c", 3, new int[] {1, 1}, Symbol.var("x"), Map.of()));
        assertThat(ops(fuseAndCheck(t.graph(), Map.of("x", Shape.of(2, 4, 3, 3)), DType.FLOAT64, 13))).last()
                .isEqualTo("_kiln_fused_conv:act");
    }

    @Test
    void fullyConnectedTakesGeluAndSigmoid() {
        Symbol g = sym.call("LeakyReLU", Map.of("name", "gelu", "act_type", "gelu"),
                fc("fc", 9, Symbol.var("x"), Map.of()));
        assertThat(ops(fuseAndCheck(g.graph(), Map.of("x", Shape.of(5, 2, 3)), DType.FLOAT32, 20))).last()
                .isEqualTo("_kiln_fused_linear:gelu");
        Symbol s = sym.call("sigmoid", name("s"), fc("fc", 9, Symbol.var("x"), Map.of()));
        assertThat(ops(fuseAndCheck(s.graph(), Map.of("x", Shape.of(5, 6)), DType.FLOAT64, 21))).last()
                .isEqualTo("_kiln_fused_linear:s");
    }

    @Test
    void anOutputWithASecondReaderIsNotFused() {
        Symbol h = fc("fc", 6, Symbol.var("x"), Map.of());
        Symbol y = sym.call("elemwise_add", name("sum"), sym.call("relu", name("r"), h), h);
        Graph g = y.graph();
        Graph fused = EpilogueFusion.apply(g, shapes(g, Map.of("x", Shape.of(4, 5))),
                ElementwiseGraphs.types(g, DType.FLOAT32));
        assertThat(ops(fused)).isEqualTo(ops(g));
        // nor float16, which has no formulas, nor channels-last convolutions
        Symbol c = sym.call("relu", name("r"), conv("c", 4, new int[] {3, 3}, Symbol.var("x"),
                Map.of("layout", "NHWC")));
        Graph cg = c.graph();
        Graph cf = EpilogueFusion.apply(cg, shapes(cg, Map.of("x", Shape.of(1, 5, 5, 3))),
                ElementwiseGraphs.types(cg, DType.FLOAT32));
        assertThat(ops(cf)).isEqualTo(ops(cg));
        Graph half = EpilogueFusion.apply(g, shapes(g, Map.of("x", Shape.of(4, 5))),
                ElementwiseGraphs.types(g, DType.FLOAT16));
        assertThat(ops(half)).isEqualTo(ops(g));
    }

    @Test
    void aChainStopsWhereAValueHasASecondReaderAndEmitsIt() {
        Symbol h = fc("fc", 6, Symbol.var("x"), Map.of());
        Symbol r = sym.call("relu", name("r"), h);
        Symbol t = sym.call("tanh", name("t"), r);
        Symbol y = sym.call("elemwise_mul", name("m"), t, sym.call("exp", name("e"), t));
        Graph fused = fuseAndCheck(y.graph(), Map.of("x", Shape.of(3, 4)), DType.FLOAT32, 30);
        assertThat(ops(fused)).containsExactly("var:x", "var:fc_weight", "var:fc_bias", "_kiln_fused_linear:t",
                "exp:e", "elemwise_mul:m");
        // a graph output in the middle of the chain stays an output
        Graph g2 = Symbol.group(sym.call("tanh", name("t"), r), h).graph();
        Graph f2 = fuseAndCheck(g2, Map.of("x", Shape.of(3, 4)), DType.FLOAT32, 31);
        FusedEpilogueOp op = fusedOp(f2, 3);
        assertThat(op.emitsBase()).isTrue();
        assertThat(op.outputNames(op.defaultAttrs())).containsExactly("fc", "t");
        assertThat(f2.outputs()).containsExactly(new Entry(3, 1), new Entry(3, 0));
    }

    @Test
    void twoProductsAddedFuseTheSumIntoTheFirstOnly() {
        // as in a recurrent cell: i2h(x) + h2h(h), then tanh
        Symbol sum = sym.call("elemwise_add", name("sum"), fc("i2h", 6, Symbol.var("x"), Map.of()),
                fc("h2h", 6, Symbol.var("h"), Map.of()));
        Symbol y = sym.call("tanh", name("t"), sum);
        Graph fused = fuseAndCheck(y.graph(), Map.of("x", Shape.of(3, 4), "h", Shape.of(3, 6)), DType.FLOAT32, 35);
        assertThat(ops(fused)).filteredOn(o -> o.startsWith("_kiln")).containsExactly("_kiln_fused_linear:t");
        assertThat(ops(fused)).contains("FullyConnected:h2h");
    }

    @Test
    void aTrainingGraphFusesItsForwardPartAndKeepsWhatTheBackwardReads() {
        Symbol h = fc("fc", 6, Symbol.var("x"), Map.of());
        Symbol y = sym.call("_mul_scalar", Map.of("name", "scale", "scalar", 2.0), sym.call("sigmoid", name("s"), h));
        GradientGraph gg = GraphGradient.of(y.graph()).heads(0).wrt("x", GradReq.WRITE)
                .wrt("fc_weight", GradReq.WRITE).wrt("fc_bias", GradReq.WRITE).build();
        Graph g = gg.graph();
        Map<String, Shape> shapes = shapes(g, Map.of("x", Shape.of(4, 5), "fc_weight", Shape.of(6, 5),
                "fc_bias", Shape.of(6), g.node(g.variableNodes().getLast()).name(), Shape.of(4, 6)));
        var result = EpilogueFusion.apply(g, gg.numForwardNodes(), shapes, ElementwiseGraphs.types(g, DType.FLOAT32),
                true);
        assertThat(result.fused()).isEqualTo(1);
        Graph f = result.graph();
        assertThat(result.numForwardNodes()).isEqualTo(gg.numForwardNodes() - 2);
        for (int i = 0; i < result.numForwardNodes(); i++) {
            for (Entry e : f.node(i).inputs()) {
                assertThat(e.node()).as("forward reads forward only").isLessThan(result.numForwardNodes());
            }
        }
        FusedEpilogueOp op = (FusedEpilogueOp) f.nodes().stream().filter(n -> n instanceof OpNode o
                && o.op() instanceof FusedEpilogueOp).map(n -> ((OpNode) n).op()).findFirst().orElseThrow();
        assertThat(op.outputNames(op.defaultAttrs())).as("sigmoid's output feeds its gradient").contains("s");
        Map<String, NDArray> in = inputs(new Random(40), shapes, DType.FLOAT32);
        assertSameBits(Interpreter.eval(JitBackend.withKernels(f), in), Interpreter.eval(g, in),
                "gradient graph");
    }

    @Test
    void theJitGivesTheInterpretersOutputsAndGradientsThroughFusedLayers() {
        Symbol x = Symbol.var("x");
        Symbol c = sym.call("relu", name("cr"), conv("c", 4, new int[] {3, 3}, x, Map.of()));
        Symbol d = sym.call("Activation", Map.of("name", "dr", "act_type", "relu"), fc("d", 8, c, Map.of()));
        Symbol y = sym.call("LeakyReLU", Map.of("name", "out", "act_type", "gelu"), fc("o", 3, d, Map.of()));
        Graph g = y.graph();
        Map<String, Shape> shapes = shapes(g, Map.of("x", Shape.of(2, 3, 5, 5)));
        List<String> names = new ArrayList<>(shapes.keySet());
        CompileRequest req = new CompileRequest(g, names, new ArrayList<>(shapes.values()),
                java.util.Collections.nCopies(names.size(), DType.FLOAT32), true, names, true, false, 1);
        CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
        assertThat(jit.compiledGraph().nodes().stream().filter(n -> n instanceof OpNode o
                && o.op() instanceof FusedEpilogueOp).count()).isEqualTo(3);
        CompiledGraph ref = Backends.get(Backends.INTERPRETER).compile(req);
        Map<String, NDArray> values = inputs(new Random(50), shapes, DType.FLOAT32);
        NDArray[] in = values.values().toArray(NDArray[]::new);
        var a = jit.run(in);
        var b = ref.run(in);
        assertSameBits(Arrays.asList(a.outputs()), Arrays.asList(b.outputs()), "outputs");
        NDArray head = inputs(new Random(51), Map.of("h", Shape.of(2, 3)), DType.FLOAT32).get("h");
        assertSameBits(Arrays.asList(a.backward(new NDArray[] {head})),
                Arrays.asList(b.backward(new NDArray[] {head})), "gradients");
    }

    @Test
    void inferenceConvolutionsKeepTheirWinogradFiltersUntilTheWeightIsWritten() {
        org.assertj.core.api.Assumptions.assumeThat(dev.kiln.kernel.simd.VectorSupport.isAvailable()
                && dev.kiln.kernel.simd.VectorSupport.floatLanes() == 16).as("Winograd needs 16-lane vectors").isTrue();
        // one image of 16x16: 64 tiles, Winograd's only with kept filters
        Symbol y = sym.call("relu", name("r"), conv("c", 128, new int[] {3, 3}, Symbol.var("x"), Map.of()));
        checkKeptWeights(y.graph(), Map.of("x", Shape.of(1, 128, 16, 16)), "c", 52, true, EpilogueFusionTest::assertClose);
    }

    @Test
    void inferenceConvolutionsOfFewFiltersKeepTheirPackedWeights() {
        // 32 filters over 16 channels on 14 x 14 (the small CNN's second layer): products straight from padded planes
        Symbol y = sym.call("relu", name("r"), conv("c", 32, new int[] {3, 3}, Symbol.var("x"), Map.of()));
        checkKeptWeights(y.graph(), Map.of("x", Shape.of(4, 16, 14, 14)), "c", 51, true,
                (actual, expected) -> assertThat(actual.floatData()).isEqualTo(expected.floatData()));
    }

    @Test
    void anInferenceConvolutionWithNothingAfterItKeepsItsWinogradFilters() {
        org.assertj.core.api.Assumptions.assumeThat(dev.kiln.kernel.simd.VectorSupport.isAvailable()
                && dev.kiln.kernel.simd.VectorSupport.floatLanes() == 16).as("Winograd needs 16-lane vectors").isTrue();
        Symbol y = conv("c", 128, new int[] {3, 3}, Symbol.var("x"), Map.of());
        checkKeptWeights(y.graph(), Map.of("x", Shape.of(1, 128, 16, 16)), "c", 53, false,
                EpilogueFusionTest::assertClose);
    }

    @Test
    void inferenceFullyConnectedLayersKeepTheirPackedWeightUntilItIsWritten() {
        Symbol y = sym.call("relu", name("r"), fc("fc", 256, Symbol.var("x"), Map.of()));
        // the same sums in the same order as the unpacked product: bitwise the interpreter's result
        checkKeptWeights(y.graph(), Map.of("x", Shape.of(8, 784)), "fc", 54, true,
                (actual, expected) -> assertThat(actual.floatData()).isEqualTo(expected.floatData()));
    }

    @Test
    void anInferenceFullyConnectedWithNothingAfterItIsWrappedToKeepItsPackedWeight() {
        // a classifier's head: 10 outputs from 1568 inputs at batch 4, packed on every call unless kept
        Symbol y = fc("head", 10, Symbol.var("x"), Map.of());
        Graph g = y.graph();
        Map<String, Shape> shapes = shapes(g, Map.of("x", Shape.of(4, 1568)));
        Map<String, DType> types = ElementwiseGraphs.types(g, DType.FLOAT32);
        Graph plain = EpilogueFusion.apply(g, g.size(), shapes, types, true, java.util.Set.of()).graph();
        assertThat(ops(plain)).as("nothing to keep without a fixed weight").isEqualTo(ops(g));
        Graph kept = EpilogueFusion.apply(g, g.size(), shapes, types, true,
                java.util.Set.of("head_weight", "head_bias")).graph();
        assertThat(ops(kept)).containsExactly("var:x", "var:head_weight", "var:head_bias",
                FusedEpilogueOp.LINEAR + ":head");
        FusedEpilogueOp op = fusedOp(kept, 3);
        assertThat(op.expression().steps()).isEmpty();
        assertThat(op.outputNames()).containsExactly("head");
        assertThat(op.doc()).contains("keeping what it derives from its weight");
        assertThat(JitKernels.listings(kept)).as("no kernel for an empty epilogue").isEmpty();
        checkKeptWeights(g, Map.of("x", Shape.of(4, 1568)), "head", 56, false,
                (actual, expected) -> assertThat(actual.floatData()).isEqualTo(expected.floatData()));
    }

    /**
     * Compiled for inference with layer {@code layer}'s weight and bias as parameters, the graph's fused node derives
     * from its weight once over three calls (each output agreeing with the interpreter's by {@code agree}) and again
     * after the weight is written; compiled for training, no fused node keeps anything (and without an epilogue
     * {@code chained} false, there is none).
     */
    private static void checkKeptWeights(Graph g, Map<String, Shape> inputShapes, String layer, long seed,
                                         boolean chained, java.util.function.BiConsumer<NDArray, NDArray> agree) {
        Map<String, Shape> shapes = shapes(g, inputShapes);
        List<String> names = new ArrayList<>(shapes.keySet());
        List<DType> types = java.util.Collections.nCopies(names.size(), DType.FLOAT32);
        java.util.Set<String> params = java.util.Set.of(layer + "_weight", layer + "_bias");
        CompileRequest inference = new CompileRequest(g, names, new ArrayList<>(shapes.values()), types, false,
                List.of(), true, true, 1, params);
        CompiledGraph jit = Backends.get(Backends.JIT).compile(inference);
        CompiledGraph ref = Backends.get(Backends.INTERPRETER).compile(inference);
        FusedEpilogueOp op = (FusedEpilogueOp) jit.compiledGraph().nodes().stream().filter(n -> n instanceof OpNode o
                && o.op() instanceof FusedEpilogueOp).map(n -> ((OpNode) n).op()).findFirst().orElseThrow();
        assertThat(op.derivedWeights()).isNotNull();
        Map<String, NDArray> values = inputs(new Random(seed), shapes, DType.FLOAT32);
        NDArray[] in = values.values().toArray(NDArray[]::new);
        for (int call = 0; call < 3; call++) {
            agree.accept(jit.run(in).outputs()[0], ref.run(in).outputs()[0]);
        }
        assertThat(op.derivedWeights().derivations()).as("derived once for three calls").isEqualTo(1);
        NDArray weight = values.get(layer + "_weight");
        inputs(new Random(seed + 1), Map.of("w", weight.shape()), DType.FLOAT32).get("w").copyTo(weight);
        agree.accept(jit.run(in).outputs()[0], ref.run(in).outputs()[0]);
        assertThat(op.derivedWeights().derivations()).as("again after the weight was written").isEqualTo(2);

        CompileRequest training = new CompileRequest(g, names, new ArrayList<>(shapes.values()), types, true, names,
                true, true, 1, params);
        List<DerivedWeights> kept = Backends.get(Backends.JIT).compile(training).compiledGraph().nodes().stream()
                .filter(n -> n instanceof OpNode o && o.op() instanceof FusedEpilogueOp)
                .map(n -> ((FusedEpilogueOp) ((OpNode) n).op()).derivedWeights()).toList();
        assertThat(kept).as("a training graph keeps nothing").hasSize(chained ? 1 : 0).allMatch(d -> d == null);
    }

    /** Winograd's and the direct sums of 1152 products of terms below 3 differ by rounding only. */
    private static void assertClose(NDArray actual, NDArray expected) {
        float[] a = actual.floatData();
        float[] e = expected.floatData();
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as("element %d", i)
                    .isCloseTo(e[i], org.assertj.core.data.Offset.offset(2e-3 + 1e-4 * Math.abs(e[i])));
        }
    }

    @Test
    void productsSplitOverThreadsRunTheirEpilogueOnEveryBlock() {
        // big enough for the GEMM to split C over threads (rows and, transposed, columns) and the convolution to
        // split its epilogue; vector operands take the copying path
        Symbol h = fc("fc", 256, Symbol.var("x"), Map.of("no_bias", true));
        Symbol y = sym.call("relu", name("r"), sym.call("broadcast_add", name("add"), h, Symbol.var("b")));
        for (int rows : new int[] {8, 64}) {
            fuseAndCheck(y.graph(), Map.of("x", Shape.of(rows, 784), "b", Shape.of(256)), DType.FLOAT32, rows);
        }
        Symbol c = conv("c", 32, new int[] {3, 3}, Symbol.var("x"), Map.of("no_bias", true));
        Symbol z = sym.call("relu", name("r"), sym.call("broadcast_mul", name("mul"), c, Symbol.var("s")));
        fuseAndCheck(z.graph(), Map.of("x", Shape.of(4, 32, 28, 28), "s", Shape.of(1, 32, 1, 1)), DType.FLOAT32,
                60);
        Symbol r = sym.call("relu", name("r"), conv("c", 32, new int[] {3, 3}, Symbol.var("x"), Map.of()));
        fuseAndCheck(r.graph(), Map.of("x", Shape.of(4, 32, 28, 28)), DType.FLOAT32, 61);
    }

    @Test
    void generatedEpiloguesPassTheVerifierAndFusedNodesHaveNoGradient() {
        Symbol h = fc("fc", 6, Symbol.var("x"), Map.of("no_bias", true));
        Symbol y = sym.call("LeakyReLU", Map.of("name", "gelu", "act_type", "gelu"),
                sym.call("broadcast_add", name("add"), h, Symbol.var("b")));
        Graph g = y.graph();
        Graph fused = fuseAndCheck(g, Map.of("x", Shape.of(2, 3), "b", Shape.of(6)), DType.FLOAT32, 70);
        byte[] bytes = JitKernels.generate(fusedOp(fused, 3).expression()).bytes();
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false,
                new PrintWriter(problems));
        assertThat(problems.toString()).isEmpty();
        assertThatThrownBy(() -> GraphGradient.of(fused).heads(0).wrt("x", GradReq.WRITE).build())
                .hasMessageContaining("_kiln_fused_linear").hasMessageContaining("build the gradient graph before");
    }

    @Test
    void anOperandOfTheWrongShapeAtRunTimeIsAClearError() {
        Symbol h = fc("fc", 6, Symbol.var("x"), Map.of("no_bias", true));
        Symbol y = sym.call("relu", name("r"), sym.call("broadcast_add", name("add"), h, Symbol.var("b")));
        Graph g = y.graph();
        Graph fused = EpilogueFusion.apply(g, shapes(g, Map.of("x", Shape.of(2, 3), "b", Shape.of(6))),
                ElementwiseGraphs.types(g, DType.FLOAT32));
        Map<String, NDArray> in = Map.of("x", NDArray.zeros(2, 3), "fc_weight", NDArray.zeros(6, 3),
                "b", NDArray.zeros(3));
        assertThatThrownBy(() -> Interpreter.eval(fused, in)).hasMessageContaining("operand1")
                .hasMessageContaining("(3,)").hasMessageContaining("(2, 6)");
    }
}
