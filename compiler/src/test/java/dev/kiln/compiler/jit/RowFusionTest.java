package dev.kiln.compiler.jit;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
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

class RowFusionTest {
    private static final Shape S = Shape.of(4, 16, 64);

    private static Map<String, Object> attrs(String name, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        for (int k = 0; k < kv.length; k += 2) {
            m.put((String) kv[k], kv[k + 1]);
        }
        return m;
    }

    private static List<FusedRowOp> rowOps(Graph g) {
        List<FusedRowOp> out = new ArrayList<>();
        for (var n : g.nodes()) {
            if (n instanceof OpNode op && op.op() instanceof FusedRowOp f) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<String> opNames(Graph g) {
        List<String> out = new ArrayList<>();
        for (var n : g.nodes()) {
            if (n instanceof OpNode op) {
                out.add(op.op().name());
            }
        }
        return out;
    }

    /**
     * Compiles with the jit and with the interpreter (same passes, no fusion) and checks outputs (and gradients when
     * {@code train}) bit for bit; returns the jit's compiled graph.
     */
    private static Graph assertSameAsInterpreter(Graph g, Map<String, Shape> inputs, DType t, boolean train,
                                                 boolean staticShapes, long seed) {
        List<String> names = new ArrayList<>(inputs.keySet());
        CompileRequest req = new CompileRequest(g, names, new ArrayList<>(inputs.values()),
                Collections.nCopies(names.size(), t), train, train ? names : List.of(), staticShapes, false,
                g.outputs().size());
        CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
        CompiledGraph ref = Backends.get(Backends.INTERPRETER_OPT).compile(req);
        Random r = new Random(seed);
        NDArray[] in = new NDArray[names.size()];
        for (int k = 0; k < in.length; k++) {
            in[k] = ElementwiseGraphs.input(r, inputs.get(names.get(k)), t);
        }
        var a = jit.run(in);
        var b = ref.run(in);
        assertSameBits(Arrays.asList(a.outputs()), Arrays.asList(b.outputs()), g + " outputs");
        if (train) {
            NDArray[] heads = new NDArray[req.numHeads()];
            for (int k = 0; k < heads.length; k++) {
                heads[k] = ElementwiseGraphs.input(r, b.outputs()[k].shape(), t);
            }
            assertSameBits(Arrays.asList(a.backward(heads)), Arrays.asList(b.backward(heads)), g + " gradients");
        }
        return jit.compiledGraph();
    }

    /** Finite, moderate inputs: softmax and normalisation of NaN and infinity are compared elsewhere. */
    private static Graph softmaxBlock(String op, int axis) {
        Symbol x = Symbol.var("x");
        Symbol h = sym.call("_mul_scalar", attrs("pre", "scalar", 0.5), sym.call("tanh", attrs("t"), x));
        Symbol s = sym.call(op, attrs("sm", "axis", axis, "temperature", 2.0), h);
        return sym.call("_plus_scalar", attrs("post", "scalar", 1.0), s).graph();
    }

    @Test
    void softmaxAndLogSoftmaxAlongEachAxisFuseWithTheirPrologueAndEpilogue() {
        for (String op : List.of("softmax", "log_softmax")) {
            for (int axis = 0; axis < 3; axis++) {
                for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                    Graph g = softmaxBlock(op, axis);
                    Graph fused = assertSameAsInterpreter(g, Map.of("x", S), t, false, true, axis);
                    assertThat(opNames(fused)).as(op + " axis " + axis).containsExactly(FusedRowOp.NAME);
                    assertSameAsInterpreter(g, Map.of("x", S), t, true, true, axis + 10);
                }
            }
        }
    }

    /** The #8 bench's normalisation-heavy block: LayerNorm, GELU, scale and bias, softmax. */
    static Graph normBlock() {
        Symbol x = Symbol.var("x");
        Symbol ln = sym.call("LayerNorm", attrs("ln"), x, Symbol.var("gamma"), Symbol.var("beta"));
        Symbol gelu = sym.call("LeakyReLU", attrs("gelu", "act_type", "gelu"), ln);
        Symbol scaled = sym.call("broadcast_mul", attrs("scale"), gelu, Symbol.var("s"));
        Symbol biased = sym.call("broadcast_add", attrs("bias"), scaled, Symbol.var("b"));
        return sym.call("softmax", attrs("sm", "axis", -1), biased).graph();
    }

    static Map<String, Shape> normBlockShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("x", S);
        m.put("gamma", Shape.of(64));
        m.put("beta", Shape.of(64));
        m.put("s", Shape.of(64));
        m.put("b", Shape.of(1, 1, 64));
        return m;
    }

    @Test
    void theNormBlockIsOneRowNodeInInferenceAndMatchesTheInterpreterInTraining() {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Graph fused = assertSameAsInterpreter(normBlock(), normBlockShapes(), t, false, true, 1);
            assertThat(opNames(fused)).containsExactly(FusedRowOp.NAME);
            RowProgram p = rowOps(fused).getFirst().program();
            // float32 GELU has an array form on the Vector API, so it is a stage of its own run as that form
            int gelu = t == DType.FLOAT32 && dev.kiln.kernel.simd.VectorSupport.isAvailable() ? 1 : 0;
            assertThat(p.stages()).hasSize(3 + gelu);
            assertThat(p.stages().get(0)).isInstanceOf(RowProgram.LayerNorm.class);
            assertThat(p.stages().get(2 + gelu)).isInstanceOf(RowProgram.Softmax.class);
            if (gelu == 1) {
                var alone = (RowProgram.Pointwise) p.stages().get(1);
                assertThat(BulkUnaryKernel.of(alone.expression())).isNotNull();
            }
            assertThat(p.kinds().subList(0, p.numInputs())).containsExactly(RowProgram.Kind.VECTOR,
                    RowProgram.Kind.POSITION, RowProgram.Kind.POSITION, RowProgram.Kind.POSITION,
                    RowProgram.Kind.POSITION);
            Graph trained = assertSameAsInterpreter(normBlock(), normBlockShapes(), t, true, true, 2);
            assertThat(opNames(trained)).as("LayerNorm's statistics feed its gradient, so it stays")
                    .contains("LayerNorm", FusedRowOp.NAME);
        }
    }

    @Test
    void theTutorialNormalisationFusesOverAllAxesAndOverTheLastAxis() {
        Symbol x = Symbol.var("x");
        Symbol min = sym.call("min", attrs("mn"), x);
        Graph all = sym.call("broadcast_div", attrs("div"), sym.call("broadcast_sub", attrs("num"), x, min),
                sym.call("broadcast_sub", attrs("den"), sym.call("max", attrs("mx"), x), min)).graph();
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Graph fused = assertSameAsInterpreter(all, Map.of("x", Shape.of(6, 7)), t, false, true, 3);
            assertThat(opNames(fused)).containsExactly(FusedRowOp.NAME);
            assertSameAsInterpreter(all, Map.of("x", Shape.of(6, 7)), t, true, true, 4);
        }
        Map<String, Object> last = Map.of("axis", -1, "keepdims", true);
        Symbol minRow = sym.call("min", merge(attrs("mn"), last), x);
        Graph rows = sym.call("broadcast_div", attrs("div"), sym.call("broadcast_sub", attrs("num"), x, minRow),
                sym.call("broadcast_sub", attrs("den"), sym.call("max", merge(attrs("mx"), last), x), minRow))
                .graph();
        Graph fused = assertSameAsInterpreter(rows, Map.of("x", S), DType.FLOAT32, false, true, 5);
        assertThat(opNames(fused)).containsExactly(FusedRowOp.NAME);
        assertSameAsInterpreter(rows, Map.of("x", S), DType.FLOAT32, true, true, 6);
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    /** {@code (x - mean(x)) / sqrt(mean((x - mean)^2) + eps) * g + b} along the last axis, written by hand. */
    static Graph handNorm() {
        Symbol x = Symbol.var("x");
        Map<String, Object> last = Map.of("axis", -1, "keepdims", true);
        Symbol mu = sym.call("mean", merge(attrs("mu"), last), x);
        Symbol d = sym.call("broadcast_sub", attrs("d"), x, mu);
        Symbol var = sym.call("mean", merge(attrs("var"), last), sym.call("square", attrs("sq"), d));
        Symbol std = sym.call("sqrt", attrs("std"), sym.call("_plus_scalar", attrs("eps", "scalar", 1e-5), var));
        Symbol n = sym.call("broadcast_div", attrs("n"), d, std);
        return sym.call("broadcast_add", attrs("out"), sym.call("broadcast_mul", attrs("scaled"), n, Symbol.var("g")),
                Symbol.var("b")).graph();
    }

    @Test
    void aHandWrittenMeanVarianceNormalisationIsOneRowNodeWithScalarStages() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put("x", S);
        shapes.put("g", Shape.of(64));
        shapes.put("b", Shape.of(64));
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Graph fused = assertSameAsInterpreter(handNorm(), shapes, t, false, true, 7);
            assertThat(opNames(fused)).containsExactly(FusedRowOp.NAME);
            RowProgram p = rowOps(fused).getFirst().program();
            assertThat(p.stages()).extracting(s -> s.getClass().getSimpleName())
                    .containsExactly("Reduce", "Pointwise", "Reduce", "Pointwise", "Pointwise");
            assertThat(((RowProgram.Pointwise) p.stages().get(3)).vector()).isFalse();
            assertSameAsInterpreter(handNorm(), shapes, t, true, true, 8);
        }
    }

    @Test
    void softmaxBackwardFusesItsSumAndBroadcastsInTheGradientGraph() {
        Graph g = sym.call("softmax", attrs("sm", "axis", -1), Symbol.var("x")).graph();
        CompileRequest req = new CompileRequest(g, List.of("x"), List.of(S), List.of(DType.FLOAT32), true,
                List.of("x"), true, false, 1);
        Graph compiled = Backends.get(Backends.JIT).compile(req).compiledGraph();
        assertThat(opNames(compiled)).as("the lone forward softmax stays; backward y * (og - sum(og * y)) fuses")
                .containsExactly("softmax", FusedRowOp.NAME);
        assertThat(rowOps(compiled).getFirst().program().stages()).extracting(s -> s.getClass().getSimpleName())
                .containsExactly("Pointwise", "Reduce", "Pointwise");
        assertSameAsInterpreter(g, Map.of("x", S), DType.FLOAT32, true, true, 9);
        assertSameAsInterpreter(g, Map.of("x", S), DType.FLOAT64, true, true, 10);
    }

    @Test
    void dynamicShapesOtherAxesSetsAndStatisticsOutputsAreNotRowFused() {
        Graph g = softmaxBlock("softmax", -1);
        Graph dynamic = assertSameAsInterpreter(g, Map.of("x", S), DType.FLOAT32, false, false, 11);
        assertThat(rowOps(dynamic)).isEmpty();
        assertThat(opNames(dynamic)).contains("softmax");
        Symbol x = Symbol.var("x");
        Graph twoAxes = sym.call("broadcast_sub", attrs("d"), x, sym.call("sum", attrs("s", "axis", "(1, 2)",
                "keepdims", true), x)).graph();
        assertThat(rowOps(assertSameAsInterpreter(twoAxes, Map.of("x", S), DType.FLOAT32, false, true, 12)))
                .isEmpty();
        Graph stats = Symbol.group(sym.call("LayerNorm", attrs("ln", "output_mean_var", true), x,
                Symbol.var("gamma"), Symbol.var("beta"))).graph();
        Map<String, Shape> shapes = Map.of("x", S, "gamma", Shape.of(64), "beta", Shape.of(64));
        assertThat(rowOps(assertSameAsInterpreter(stats, shapes, DType.FLOAT32, false, true, 13))).isEmpty();
        Graph ints = softmaxBlock("softmax", -1);
        assertThat(rowOps(RowFusionPass.apply(ints, ints.size(), Map.of("x", S), Map.of("x", DType.FLOAT16))
                .graph())).isEmpty();
    }

    /**
     * A sum over a leading axis (a Dense layer's bias gradient: the batch's column sums) would walk its rows strided:
     * its elementwise prologue fuses on its own and the sum stays a reduction, with the interpreter's bits; over the
     * last axis the same chain is one row node.
     */
    @Test
    void sumsOverALeadingAxisAreLeftToElementwiseFusionAndTheReduction() {
        Symbol x = Symbol.var("x");
        Symbol slope = sym.call("_greater_scalar", attrs("gt", "scalar", 0.0), Symbol.var("y"));
        Symbol grad = sym.call("broadcast_mul", attrs("g"), x, slope);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put("x", Shape.of(64, 256));
        shapes.put("y", Shape.of(64, 256));
        Graph leading = Symbol.group(grad, sym.call("sum", attrs("s", "axis", 0), grad)).graph();
        Graph fused = assertSameAsInterpreter(leading, shapes, DType.FLOAT32, false, true, 21);
        assertThat(rowOps(fused)).isEmpty();
        assertThat(opNames(fused)).contains("sum", FusedElementwiseOp.NAME);
        Graph last = Symbol.group(grad, sym.call("sum", attrs("s", "axis", 1), grad)).graph();
        assertThat(rowOps(assertSameAsInterpreter(last, shapes, DType.FLOAT32, false, true, 22))).hasSize(1);
    }

    /**
     * A random graph in the row space of (3,4,5) along {@code axis}: unary and broadcast ops over vectors, per-row
     * scalars, per-position arrays and single elements, keepdims reductions and softmax along the axis.
     */
    private static Graph randomRowGraph(Random r, int axis, int numOps, Map<String, Shape> inputs) {
        Shape s = Shape.of(3, 4, 5);
        int[] position = {1, 1, 1};
        position[axis] = s.get(axis);
        List<Shape> inputShapes = List.of(s, s.with(axis, 1), Shape.of(position), Shape.of(1));
        List<Symbol> values = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        for (int k = 0; k < inputShapes.size(); k++) {
            values.add(Symbol.var("x" + k));
            shapes.add(inputShapes.get(k));
            inputs.put("x" + k, inputShapes.get(k));
        }
        for (int k = 0; k < numOps; k++) {
            int ai = r.nextInt(3) == 0 ? r.nextInt(values.size()) : values.size() - 1;
            Symbol a = values.get(ai);
            String name = "n" + k;
            int kind = r.nextInt(6);
            if (kind <= 1 && shapes.get(ai).equals(s)) {
                String op = kind == 0 ? List.of("sum", "mean", "max", "min").get(r.nextInt(4))
                        : List.of("softmax", "log_softmax").get(r.nextInt(2));
                values.add(sym.call(op, kind == 0 ? attrs(name, "axis", axis, "keepdims", true)
                        : attrs(name, "axis", axis), a));
                shapes.add(kind == 0 ? s.with(axis, 1) : s);
            } else if (kind == 2) {
                values.add(sym.call(List.of("tanh", "square", "abs").get(r.nextInt(3)), attrs(name), a));
                shapes.add(shapes.get(ai));
            } else {
                int bi = r.nextInt(values.size());
                values.add(sym.call(List.of("broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div")
                        .get(r.nextInt(4)), attrs(name), a, values.get(bi)));
                shapes.add(Shape.broadcast(shapes.get(ai), shapes.get(bi)));
            }
        }
        return Symbol.group(values.getLast(), values.get(inputShapes.size() + r.nextInt(numOps))).graph();
    }

    @Test
    void randomRowGraphsGiveTheInterpretersOutputsAndGradientsBitForBit() {
        Random r = new Random(77);
        int rowNodes = 0;
        for (int trial = 0; trial < 40; trial++) {
            Map<String, Shape> all = new LinkedHashMap<>();
            Graph g = randomRowGraph(r, trial % 3, 4 + r.nextInt(10), all);
            Map<String, Shape> used = new LinkedHashMap<>();
            for (int i : g.variableNodes()) {
                used.put(g.node(i).name(), all.get(g.node(i).name()));
            }
            DType t = trial % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
            rowNodes += rowOps(assertSameAsInterpreter(g, used, t, false, true, trial)).size();
            assertSameAsInterpreter(g, used, t, true, true, trial + 100);
        }
        assertThat(rowNodes).as("the random graphs do row-fuse").isGreaterThan(15);
    }

    @Test
    void everyPointwiseStageKernelVerifies() {
        List<Graph> graphs = List.of(normBlock(), handNorm(), softmaxBlock("log_softmax", 1));
        List<Map<String, Shape>> shapes = List.of(normBlockShapes(), Map.of("x", S, "g", Shape.of(64), "b",
                Shape.of(64)), Map.of("x", S));
        int verified = 0;
        for (int k = 0; k < graphs.size(); k++) {
            Graph g = graphs.get(k);
            Map<String, DType> types = new LinkedHashMap<>();
            for (String name : shapes.get(k).keySet()) {
                types.put(name, DType.FLOAT32);
            }
            for (FusedRowOp op : rowOps(RowFusionPass.apply(g, g.size(), shapes.get(k), types).graph())) {
                for (RowProgram.Stage s : op.program().stages()) {
                    if (s instanceof RowProgram.Pointwise p) {
                        byte[] bytes = JitKernels.generate(p.expression()).bytes();
                        assertThat(KernelGeneratorTest.verify(bytes)).as(p.expression().toString()).isEmpty();
                        verified++;
                    }
                }
            }
        }
        assertThat(verified).isGreaterThanOrEqualTo(5);
    }
}
