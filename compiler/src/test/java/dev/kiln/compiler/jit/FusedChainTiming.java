package dev.kiln.compiler.jit;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parallel.Parallel;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static dev.kiln.symbol.Sym.sym;

/**
 * Not a test: times fused chains through the jit backend against the interpreter (forward only), printing the
 * median time per call. Run with the compiler's test class path:
 * {@code java -cp ... dev.kiln.compiler.jit.FusedChainTiming}.
 */
public final class FusedChainTiming {
    private FusedChainTiming() {
    }

    public static void main(String[] args) {
        Symbol x = Symbol.var("x");
        Symbol a = Symbol.var("a");
        Symbol b = Symbol.var("b");
        Symbol affine = sym.call("elemwise_add", Map.of(), sym.call("_mul_scalar", Map.of("scalar", 0.5),
                sym.call("relu", Map.of(), sym.call("elemwise_add", Map.of(), sym.call("elemwise_mul", Map.of(), x, a),
                        b))), x);
        Symbol gate = sym.call("elemwise_mul", Map.of(), sym.call("sigmoid", Map.of(), x),
                sym.call("tanh", Map.of(), sym.call("_plus_scalar", Map.of("scalar", 1.0), x)));
        System.out.printf(Locale.ROOT, "threads %d, JDK %s%n", Parallel.threads(), Runtime.version());
        System.out.printf(Locale.ROOT, "%-44s %10s %12s %10s %8s%n", "chain", "elements", "interpreter", "jit",
                "speed-up");
        for (int n : new int[] {4096, 1 << 20}) {
            time("relu(x*a + b)*0.5 + x  (5 ops, float32)", affine.graph(), n);
            time("sigmoid(x) * tanh(x + 1)  (4 ops, float32)", gate.graph(), n);
        }
    }

    private static void time(String label, Graph g, int n) {
        List<String> inputs = new ArrayList<>();
        for (int i : g.variableNodes()) {
            inputs.add(g.node(i).name());
        }
        Shape s = Shape.of(n);
        CompileRequest req = new CompileRequest(g, inputs, Collections.nCopies(inputs.size(), s),
                Collections.nCopies(inputs.size(), DType.FLOAT32), false, List.of(), true, false, 1);
        Random r = new Random(1);
        NDArray[] in = new NDArray[inputs.size()];
        for (int k = 0; k < in.length; k++) {
            in[k] = ElementwiseGraphs.input(r, s, DType.FLOAT32);
        }
        double interp = median(Backends.get(Backends.INTERPRETER).compile(req), in, n);
        double jit = median(Backends.get(Backends.JIT).compile(req), in, n);
        System.out.printf(Locale.ROOT, "%-44s %10d %9.3f ms %7.3f ms %7.2fx%n", label, n, interp, jit,
                interp / jit);
    }

    /** Median milliseconds per run after two seconds of warm-up. */
    private static double median(CompiledGraph c, NDArray[] in, int n) {
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) {
            c.run(in);
        }
        int reps = n > 100_000 ? 200 : 5000;
        double[] t = new double[reps];
        for (int k = 0; k < reps; k++) {
            long t0 = System.nanoTime();
            c.run(in);
            t[k] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }
}
