package dev.kiln.compiler.jit;

import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.parallel.Parallel;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

class KernelGeneratorTest {
    /** The fused ops of random graphs, for the dtype. */
    private static List<FusedElementwiseOp> randomGroups(Random r, DType t, int graphs) {
        List<FusedElementwiseOp> out = new ArrayList<>();
        for (int k = 0; k < graphs; k++) {
            Graph g = ElementwiseGraphs.random(r, 1 + r.nextInt(3), 3 + r.nextInt(14));
            Graph fused = FusionPass.apply(g, ElementwiseGraphs.shapes(g, Shape.of(4)), ElementwiseGraphs.types(g, t));
            for (var node : fused.nodes()) {
                if (node instanceof OpNode op && op.op() instanceof FusedElementwiseOp f) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    static String verify(byte[] bytes) {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), KernelGeneratorTest.class.getClassLoader(), false,
                new PrintWriter(problems));
        return problems.toString();
    }

    static List<NDArray> run(FusedElementwiseOp op, List<NDArray> inputs) {
        return Ops.invokeAll(op, op.defaultAttrs(), inputs);
    }

    @Test
    void everyGeneratedKernelVerifiesAndEqualsTheReferenceBitForBit() {
        Random r = new Random(7);
        int large = Math.max(3 * 32768, 40_000 * Math.max(2, Parallel.threads())) + 7;
        int checked = 0;
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (FusedElementwiseOp reference : randomGroups(r, t, 25)) {
                KernelGenerator.Generated g = JitKernels.generate(reference.expression());
                assertThat(verify(g.bytes())).as(reference.expression().toString()).isEmpty();
                FusedElementwiseOp jit = reference.withKernel(JitKernels.define(g));
                for (int size : new int[] {0, 1, 1001, large}) {
                    List<NDArray> in = new ArrayList<>();
                    for (int k = 0; k < reference.expression().numInputs(); k++) {
                        in.add(ElementwiseGraphs.input(r, Shape.of(size), t));
                    }
                    assertSameBits(run(jit, in), run(reference, in), size + " elements of\n" + reference.expression());
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void aKernelWritesOnlyItsRange() {
        Symbol x = Symbol.var("x");
        Graph g = sym.call("sqrt", Map.of("name", "s"), sym.call("abs", Map.of("name", "a"), x)).graph();
        Graph fused = FusionPass.apply(g, Map.of("x", Shape.of(10)), Map.of("x", DType.FLOAT64));
        FusedElementwiseOp op = (FusedElementwiseOp) ((OpNode) fused.node(1)).op();
        FusedKernel k = JitKernels.kernel(op.expression());
        double[] in = {-4, 9, -16, 25, 1, 4, 0, 49, 64, 81};
        double[] out = new double[10];
        k.run(new Object[] {in}, new Object[] {out}, 2, 5);
        assertThat(out).containsExactly(0, 0, 4, 5, 1, 0, 0, 0, 0, 0);
    }

    @Test
    void arithmeticAndReluAreBytecodeOtherMathCallsTheOpsObjects() {
        Symbol x = Symbol.var("x");
        Symbol y = Symbol.var("y");
        Symbol s = sym.call("elemwise_add", Map.of("name", "sum"), sym.call("relu", Map.of("name", "r"), x), y);
        Symbol out = sym.call("_rdiv_scalar", Map.of("name", "inv", "scalar", 2.0),
                sym.call("tanh", Map.of("name", "th"), s));
        Graph g = out.graph();
        Graph fused = FusionPass.apply(g, ElementwiseGraphs.shapes(g, Shape.of(3)),
                ElementwiseGraphs.types(g, DType.FLOAT32));
        FusedElementwiseOp op = (FusedElementwiseOp) ((OpNode) fused.node(fused.size() - 1)).op();
        String listing = JitKernels.listing(JitKernels.generate(op.expression()).bytes());
        assertThat(listing).contains("INVOKESTATIC java/lang/Math.max (FF)F", "FADD", "FDIV", "LDC 2.0",
                "INVOKEINTERFACE dev/kiln/op/ElementwiseFormula$FloatUnary.applyAsFloat (F)F",
                "GETSTATIC", "static run([F[F[FII)V", "classDataAt");
        assertThat(listing).as("locals are named after the nodes")
                .contains("LOCALVARIABLE v2_r F", "LOCALVARIABLE v3_sum F", "LOCALVARIABLE v5_inv F",
                        "LOCALVARIABLE in0 [F", "LOCALVARIABLE i I");
        assertThat(listing.split("GETSTATIC", -1)).as("one field read: tanh").hasSize(2);
    }

    @Test
    void theDumpPropertyWritesEachClassAndItsListing(@TempDir Path dir) throws Exception {
        Symbol x = Symbol.var("x");
        Graph g = sym.call("exp", Map.of("name", "dumped_e"), sym.call("negative", Map.of("name", "n"), x)).graph();
        Graph fused = FusionPass.apply(g, Map.of("x", Shape.of(2)), Map.of("x", DType.FLOAT64));
        FusedElementwiseOp op = (FusedElementwiseOp) ((OpNode) fused.node(1)).op();
        System.setProperty(JitKernels.DUMP_PROPERTY, dir.toString());
        KernelGenerator.Generated generated;
        try {
            generated = JitKernels.generate(op.expression());
        } finally {
            System.clearProperty(JitKernels.DUMP_PROPERTY);
        }
        String simple = generated.className().substring(generated.className().lastIndexOf('/') + 1);
        assertThat(simple).startsWith("Fused_dumped_e_");
        assertThat(Files.readAllBytes(dir.resolve(simple + ".class"))).isEqualTo(generated.bytes());
        assertThat(Files.readString(dir.resolve(simple + ".txt"))).contains("static run([D[DII)V",
                "DoubleUnaryOperator.applyAsDouble (D)D");
    }

    @Test
    void equalExpressionsShareOneKernelWhateverTheirNodeNames() {
        Symbol x = Symbol.var("x");
        Graph a = sym.call("exp", Map.of("name", "a2"), sym.call("sigmoid", Map.of("name", "a1"), x)).graph();
        Graph b = sym.call("exp", Map.of("name", "b2"), sym.call("sigmoid", Map.of("name", "b1"), x)).graph();
        FusedKernel ka = JitKernels.kernel(fusedExpression(a));
        FusedKernel kb = JitKernels.kernel(fusedExpression(b));
        assertThat(ka).isSameAs(kb).isNotInstanceOf(FusedExpression.class);
    }

    private static FusedExpression fusedExpression(Graph g) {
        Graph fused = FusionPass.apply(g, Map.of("x", Shape.of(2)), Map.of("x", DType.FLOAT32));
        return ((FusedElementwiseOp) ((OpNode) fused.node(1)).op()).expression();
    }
}
