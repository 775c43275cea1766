package dev.kiln.compiler.pass;

import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.symbol.Symbol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kiln.compiler.pass.PassTesting.op;
import static dev.kiln.compiler.pass.PassTesting.var;
import static dev.kiln.testing.NDArrayAssert.assertThat;

/**
 * Graphs and checks for the inference-time folding tests: folded graphs change rounding, so they are compared with
 * the unfolded graph (reference interpreter) within {@link #RTOL} and {@link #ATOL} on float32 values.
 */
final class FoldingTesting {
    /** Relative tolerance of folded float32 results (scales rounded once, products reassociated). */
    static final double RTOL = 1e-4;
    /** Absolute tolerance of folded float32 results, for values near zero. */
    static final double ATOL = 1e-5;

    private FoldingTesting() {
    }

    /** {@code BatchNorm(Convolution(x, w[, b]), gamma, beta, mean, var)} with 4 filters of 3x3 over 3 channels. */
    static Symbol convBatchNorm(boolean noBias, boolean fixGamma) {
        Map<String, Object> conv = new LinkedHashMap<>(Map.of("kernel", new int[] {3, 3}, "num_filter", 4,
                "pad", new int[] {1, 1}));
        Symbol c = noBias ? op("Convolution", "conv", withNoBias(conv), var("x"), var("w"))
                : op("Convolution", "conv", conv, var("x"), var("w"), var("b"));
        return op("BatchNorm", "bn", Map.of("fix_gamma", fixGamma, "eps", 1e-3), c, var("gamma"), var("beta"),
                var("mean"), var("var"));
    }

    private static Map<String, Object> withNoBias(Map<String, Object> attrs) {
        attrs.put("no_bias", true);
        return attrs;
    }

    /** The context of {@link #convBatchNorm} on a (2, 3, 5, 5) input, every variable but x a parameter. */
    static PassContext.Builder convContext() {
        return convContext(false);
    }

    /** As {@link #convContext()}, without the bias {@code b} when {@code noBias}. */
    static PassContext.Builder convContext(boolean noBias) {
        PassContext.Builder b = PassTesting.context("x", Shape.of(2, 3, 5, 5), "w", Shape.of(4, 3, 3, 3),
                "gamma", Shape.of(4), "beta", Shape.of(4), "mean", Shape.of(4), "var", Shape.of(4))
                .parameters(Set.of("w", "gamma", "beta", "mean", "var"));
        return noBias ? b : b.shape("b", Shape.of(4)).dtype("b", dev.kiln.ndarray.DType.FLOAT32)
                .parameters(Set.of("b"));
    }

    /**
     * Runs both graphs with the interpreter on random inputs (variances made positive) and checks every output within
     * the folding tolerance.
     */
    static void assertCloseOutputs(Graph before, Graph after, PassContext ctx) {
        for (long seed = 1; seed <= 3; seed++) {
            Map<String, NDArray> inputs = positiveVariances(PassTesting.randomInputs(before, ctx, seed));
            List<NDArray> expected = eval(before, inputs, ctx.training());
            List<NDArray> actual = eval(after, inputs, ctx.training());
            for (int k = 0; k < expected.size(); k++) {
                assertThat(actual.get(k)).hasDType(expected.get(k).dtype()).isCloseTo(expected.get(k), RTOL, ATOL);
            }
        }
    }

    /** The inputs with every variable whose name contains "var" made positive (|v| + 0.1), as variances are. */
    static Map<String, NDArray> positiveVariances(Map<String, NDArray> inputs) {
        Map<String, NDArray> out = new LinkedHashMap<>(inputs);
        out.replaceAll((name, v) -> name.contains("var") ? NDArray.of(v.shape(), v.dtype(),
                java.util.Arrays.stream(v.toDoubleArray()).map(d -> Math.abs(d) + 0.1).toArray()) : v);
        return out;
    }

    static List<NDArray> eval(Graph g, Map<String, NDArray> inputs, boolean training) {
        boolean was = OpContext.setRecording(false);
        try {
            Map<String, NDArray> copies = new LinkedHashMap<>();
            inputs.forEach((k, v) -> copies.put(k, v.copy()));
            return Interpreter.eval(g, copies, training);
        } finally {
            OpContext.setRecording(was);
        }
    }
}
