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
import dev.kiln.parallel.Parallel;
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

class BroadcastFusionTest {
    private static Map<String, Object> name(String n) {
        return Map.of("name", n);
    }

    /** {@code relu(x op0 a) op1 b}: a broadcast chain over x with two broadcasting operands. */
    private static Graph chain(String op0, String op1) {
        Symbol x = Symbol.var("x");
        Symbol h = sym.call("relu", name("r"), sym.call(op0, name("ba"), x, Symbol.var("a")));
        return sym.call("sigmoid", name("s"), sym.call(op1, name("bb"), h, Symbol.var("b"))).graph();
    }

    private static List<FusedElementwiseOp> fusedOps(Graph g) {
        List<FusedElementwiseOp> out = new ArrayList<>();
        for (var n : g.nodes()) {
            if (n instanceof OpNode op && op.op() instanceof FusedElementwiseOp f) {
                out.add(f);
            }
        }
        return out;
    }

    private static Map<String, Shape> shapes(Shape x, Shape a, Shape b) {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("x", x);
        m.put("a", a);
        m.put("b", b);
        return m;
    }

    @Test
    void aChannelBiasOnNchwFusesIntoOneNodeReadingTheBiasOncePerRow() {
        Graph g = chain("broadcast_add", "broadcast_mul");
        Graph fused = FusionPass.apply(g, shapes(Shape.of(2, 3, 4, 5), Shape.of(1, 3, 1, 1), Shape.of(1)),
                ElementwiseGraphs.types(g, DType.FLOAT32));
        List<FusedElementwiseOp> ops = fusedOps(fused);
        assertThat(ops).hasSize(1);
        assertThat(fused.size()).isEqualTo(4); // x, a, b and the group
        assertThat(ops.getFirst().expression().accesses()).containsExactly(FusedExpression.Access.ELEMENT,
                FusedExpression.Access.ROW_SCALAR, FusedExpression.Access.ROW_SCALAR);
        BroadcastLayout layout = BroadcastLayout.of(List.of(Shape.of(2, 3, 4, 5), Shape.of(1, 3, 1, 1),
                Shape.of(1)), Shape.of(2, 3, 4, 5));
        assertThat(layout.inner()).as("H and W merge into one row").isEqualTo(20);
        assertThat(layout.offsets()[1]).containsExactly(0, 1, 2, 0, 1, 2);
        assertThat(layout.offsets()[2]).containsExactly(0, 0, 0, 0, 0, 0);
    }

    @Test
    void theLayoutMergesDimsWithEqualPatternsAndReadsRowsAtTheirOffsets() {
        BroadcastLayout both = BroadcastLayout.of(List.of(Shape.of(4, 1), Shape.of(1, 5)), Shape.of(4, 5));
        assertThat(both.inner()).isEqualTo(5);
        assertThat(both.offsets()[0]).containsExactly(0, 1, 2, 3);
        assertThat(both.offsets()[1]).containsExactly(0, 0, 0, 0);
        assertThat(BroadcastLayout.accesses(List.of(Shape.of(4, 1), Shape.of(1, 5)), Shape.of(4, 5)))
                .containsExactly(FusedExpression.Access.ROW_SCALAR, FusedExpression.Access.ROW);
        BroadcastLayout rows = BroadcastLayout.of(List.of(Shape.of(2, 3, 4), Shape.of(2, 1, 4)), Shape.of(2, 3, 4));
        assertThat(rows.inner()).isEqualTo(4);
        assertThat(rows.offsets()[1]).containsExactly(0, 0, 0, 4, 4, 4);
        BroadcastLayout padded = BroadcastLayout.of(List.of(Shape.of(3, 5), Shape.of(5)), Shape.of(3, 5));
        assertThat(padded.offsets()[1]).containsExactly(0, 0, 0);
    }

    /** Shapes of x, a and b: channel bias, column, scalar-shaped, both sides broadcasting, rank-padded rows. */
    private static final List<List<Shape>> CASES = List.of(
            List.of(Shape.of(2, 3, 4, 5), Shape.of(1, 3, 1, 1), Shape.of(1, 3, 1, 1)),
            List.of(Shape.of(6, 7), Shape.of(6, 1), Shape.of(1)),
            List.of(Shape.of(6, 7), Shape.of(1, 1), Shape.of(7)),
            List.of(Shape.of(6, 1), Shape.of(1, 7), Shape.of(6, 7)),
            List.of(Shape.of(1, 7), Shape.of(6, 1), Shape.of(1, 1)),
            List.of(Shape.of(2, 3, 4), Shape.of(2, 1, 4), Shape.of(3, 1)),
            List.of(Shape.of(3, 1, 5), Shape.of(1, 4, 1), Shape.of(1)));

    @Test
    void broadcastGroupsGiveTheInterpretersOutputsAndGradientsBitForBit() {
        Random r = new Random(17);
        int fused = 0;
        for (List<Shape> c : CASES) {
            for (String[] ops : new String[][] {{"broadcast_add", "broadcast_mul"}, {"broadcast_sub",
                "broadcast_div"}, {"broadcast_maximum", "broadcast_minimum"}}) {
                for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                    Graph g = chain(ops[0], ops[1]);
                    CompileRequest req = new CompileRequest(g, List.of("x", "a", "b"), c,
                            Collections.nCopies(3, t), true, List.of("x", "a", "b"), true, false, 1);
                    CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
                    fused += fusedOps(jit.compiledGraph()).size();
                    CompiledGraph ref = Backends.get(Backends.INTERPRETER_OPT).compile(req);
                    NDArray[] in = new NDArray[3];
                    for (int k = 0; k < 3; k++) {
                        in[k] = ElementwiseGraphs.input(r, c.get(k), t);
                    }
                    var a = jit.run(in);
                    var b = ref.run(in);
                    String what = c + " " + Arrays.toString(ops) + " " + t;
                    assertSameBits(Arrays.asList(a.outputs()), Arrays.asList(b.outputs()), what);
                    NDArray[] head = {ElementwiseGraphs.input(r, b.outputs()[0].shape(), t)};
                    assertSameBits(Arrays.asList(a.backward(head)), Arrays.asList(b.backward(head)),
                            what + " gradients");
                }
            }
        }
        assertThat(fused).as("every case fuses its forward chain").isGreaterThanOrEqualTo(CASES.size() * 6);
    }

    @Test
    void generatedBroadcastKernelsVerifyAndMatchTheReferenceOnAnyRangeSplit() {
        Random r = new Random(23);
        int big = 40_000 * Math.max(2, Parallel.threads());
        List<List<Shape>> cases = new ArrayList<>(CASES);
        cases.add(List.of(Shape.of(big / 300, 300), Shape.of(big / 300, 1), Shape.of(300)));
        cases.add(List.of(Shape.of(big + 3), Shape.of(1), Shape.of(big + 3)));
        for (List<Shape> c : cases) {
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                Graph g = chain("broadcast_sub", "broadcast_div");
                FusedElementwiseOp reference = fusedOps(FusionPass.apply(g, shapes(c.get(0), c.get(1), c.get(2)),
                        ElementwiseGraphs.types(g, t))).getFirst();
                KernelGenerator.Generated gen = JitKernels.generate(reference.expression());
                assertThat(KernelGeneratorTest.verify(gen.bytes())).as(c.toString()).isEmpty();
                FusedElementwiseOp jit = reference.withKernel(JitKernels.define(gen));
                Map<String, NDArray> in = new LinkedHashMap<>();
                List<NDArray> inputs = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    NDArray v = ElementwiseGraphs.input(r, c.get(k), t);
                    in.put(List.of("x", "a", "b").get(k), v);
                    inputs.add(v);
                }
                List<NDArray> expected = Interpreter.eval(g, in);
                assertSameBits(KernelGeneratorTest.run(jit, inputs), expected, c + " " + t);
                assertSameBits(KernelGeneratorTest.run(reference, inputs), expected, c + " reference " + t);
                checkSplit(jit, reference, inputs);
            }
        }
    }

    /** Runs the kernel on ranges starting and ending inside rows; every element written once, as the reference. */
    private static void checkSplit(FusedElementwiseOp jit, FusedElementwiseOp reference, List<NDArray> inputs) {
        List<Shape> shapes = inputs.stream().map(NDArray::shape).toList();
        Shape out = jit.inferShapes(jit.defaultAttrs(), shapes).getFirst();
        BroadcastLayout layout = BroadcastLayout.of(shapes, out);
        Object[] in = inputs.stream().map(NDArray::data).toArray();
        NDArray a = NDArray.zeros(out, inputs.getFirst().dtype(), inputs.getFirst().device());
        NDArray b = NDArray.zeros(out, inputs.getFirst().dtype(), inputs.getFirst().device());
        int n = out.size();
        int[] cuts = {0, Math.min(n, 3), n / 3, n / 2 + 1, n};
        for (int k = 0; k + 1 < cuts.length; k++) {
            if (cuts[k] < cuts[k + 1]) {
                jit.kernel().run(in, new Object[] {a.data()}, layout.offsets(), layout.inner(), cuts[k], cuts[k + 1]);
                reference.kernel().run(in, new Object[] {b.data()}, layout.offsets(), layout.inner(), cuts[k],
                        cuts[k + 1]);
            }
        }
        assertSameBits(a, b, "split " + shapes);
    }

    private static final List<String> BROADCAST_OPS = List.of("broadcast_add", "broadcast_sub", "broadcast_mul",
            "broadcast_div", "broadcast_maximum", "broadcast_minimum", "broadcast_power");
    private static final List<Shape> RANDOM_SHAPES = List.of(Shape.of(3, 4, 5), Shape.of(1, 4, 1), Shape.of(3, 1, 5),
            Shape.of(5), Shape.of(1), Shape.of(3, 4, 1));

    /** Random graphs of broadcast ops and unary ops over inputs of mixed broadcastable shapes. */
    private static Graph randomBroadcastGraph(Random r, int numOps) {
        List<Symbol> values = new ArrayList<>();
        for (int k = 0; k < RANDOM_SHAPES.size(); k++) {
            values.add(Symbol.var("x" + k));
        }
        for (int k = 0; k < numOps; k++) {
            Symbol a = values.get(r.nextInt(3) == 0 ? r.nextInt(values.size()) : values.size() - 1);
            Symbol v = r.nextInt(3) == 0
                    ? sym.call(List.of("tanh", "relu", "abs", "sigmoid").get(r.nextInt(4)), name("n" + k), a)
                    : sym.call(BROADCAST_OPS.get(r.nextInt(BROADCAST_OPS.size())), name("n" + k), a,
                    values.get(r.nextInt(values.size())));
            values.add(v);
        }
        return Symbol.group(values.getLast(), values.get(RANDOM_SHAPES.size() + r.nextInt(numOps))).graph();
    }

    @Test
    void randomBroadcastGraphsGiveTheInterpretersOutputsAndGradientsBitForBit() {
        Random r = new Random(31);
        int fused = 0;
        for (int trial = 0; trial < 30; trial++) {
            Graph g = randomBroadcastGraph(r, 3 + r.nextInt(10));
            List<String> names = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            for (int i : g.variableNodes()) {
                String n = g.node(i).name();
                names.add(n);
                shapes.add(RANDOM_SHAPES.get(Integer.parseInt(n.substring(1))));
            }
            DType t = trial % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
            CompileRequest req = new CompileRequest(g, names, shapes, Collections.nCopies(names.size(), t), true,
                    names, true, false, 2);
            CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
            fused += fusedOps(jit.compiledGraph()).size();
            CompiledGraph ref = Backends.get(Backends.INTERPRETER_OPT).compile(req);
            NDArray[] in = new NDArray[names.size()];
            for (int k = 0; k < in.length; k++) {
                in[k] = ElementwiseGraphs.input(r, shapes.get(k), t);
            }
            var a = jit.run(in);
            var b = ref.run(in);
            String what = "trial " + trial + " " + t + "\n" + g;
            assertSameBits(Arrays.asList(a.outputs()), Arrays.asList(b.outputs()), what);
            NDArray[] heads = {ElementwiseGraphs.input(r, b.outputs()[0].shape(), t),
                ElementwiseGraphs.input(r, b.outputs()[1].shape(), t)};
            assertSameBits(Arrays.asList(a.backward(heads)), Arrays.asList(b.backward(heads)), what + " gradients");
        }
        assertThat(fused).as("the random graphs do fuse").isGreaterThan(30);
    }

    @Test
    void theRowLoopReadsPerRowInputsOutsideTheInnerLoop() {
        Graph g = chain("broadcast_add", "broadcast_mul");
        FusedElementwiseOp op = fusedOps(FusionPass.apply(g, shapes(Shape.of(4, 8), Shape.of(4, 1), Shape.of(8)),
                ElementwiseGraphs.types(g, DType.FLOAT32))).getFirst();
        String listing = JitKernels.listing(JitKernels.generate(op.expression()).bytes());
        assertThat(listing).contains("public static run([F[F[F[F[I[IIII)V")
                .contains("LOCALVARIABLE rowOffsets1 [I").contains("LOCALVARIABLE rowEnd I")
                .contains("INVOKESTATIC java/lang/Math.min (II)I");
    }
}
