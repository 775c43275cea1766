package dev.kiln.compiler.jit;

import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

/** Random graphs of elementwise ops (with some non-fusible nodes between them), inputs, and bitwise comparison. */
final class ElementwiseGraphs {
    private static final List<String> UNARY = List.of("relu", "sigmoid", "tanh", "exp", "log", "sqrt", "square",
            "negative", "abs", "softsign", "rsqrt", "sin", "erf");
    private static final List<String> BINARY = List.of("elemwise_add", "elemwise_sub", "elemwise_mul",
            "elemwise_div", "broadcast_add", "_maximum", "_power");
    private static final List<Map<String, Object>> ACTIVATIONS = List.of(Map.of("act_type", "relu"),
            Map.of("act_type", "sigmoid"), Map.of("act_type", "softrelu"), Map.of("act_type", "softsign"));
    private static final List<String> SCALAR = List.of("_plus_scalar", "_minus_scalar", "_rminus_scalar",
            "_mul_scalar", "_div_scalar", "_rdiv_scalar", "_maximum_scalar");

    private ElementwiseGraphs() {
    }

    /**
     * A random graph over {@code numInputs} variables {@code x0, x1, ...}: {@code numOps} nodes named {@code n0,
     * n1, ...}, each reading random earlier values; about one in eight is a non-fusible {@code _copy}. Outputs: the
     * last node and a random earlier one.
     */
    static Graph random(Random r, int numInputs, int numOps) {
        List<Symbol> values = new ArrayList<>();
        for (int k = 0; k < numInputs; k++) {
            values.add(Symbol.var("x" + k));
        }
        for (int k = 0; k < numOps; k++) {
            Symbol a = pick(r, values);
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("name", "n" + k);
            int kind = r.nextInt(8);
            Symbol v = switch (kind) {
                case 0, 1, 2 -> sym.call(UNARY.get(r.nextInt(UNARY.size())), attrs, a);
                case 3, 4 -> sym.call(BINARY.get(r.nextInt(BINARY.size())), attrs, a, pick(r, values));
                case 5 -> {
                    attrs.put("scalar", Math.round(r.nextGaussian() * 100) / 37.0);
                    yield sym.call(SCALAR.get(r.nextInt(SCALAR.size())), attrs, a);
                }
                case 6 -> {
                    attrs.putAll(ACTIVATIONS.get(r.nextInt(ACTIVATIONS.size())));
                    yield sym.call("Activation", attrs, a);
                }
                default -> sym.call("_copy", attrs, a);
            };
            values.add(v);
        }
        Symbol last = values.getLast();
        Symbol other = values.get(numInputs + r.nextInt(numOps));
        return Symbol.group(last, other).graph();
    }

    private static Symbol pick(Random r, List<Symbol> values) {
        // prefer recent values so chains form, but reach back sometimes so values have several readers
        int n = values.size();
        return r.nextInt(3) == 0 ? values.get(r.nextInt(n)) : values.get(Math.max(0, n - 1 - r.nextInt(3)));
    }

    /** Random values of {@code shape}, mostly in [-3, 3], a few special ones (zeros, NaN, infinities). */
    /** The op nodes of {@code g} as {@code op:name}, in node order (variables left out). */
    static List<String> opNodes(Graph g) {
        List<String> out = new java.util.ArrayList<>();
        for (var node : g.nodes()) {
            if (node instanceof dev.kiln.graph.OpNode op) {
                out.add(op.op().name() + ":" + op.name());
            }
        }
        return out;
    }

    static NDArray input(Random r, Shape shape, DType dtype) {
        double[] v = new double[shape.size()];
        for (int i = 0; i < v.length; i++) {
            int c = r.nextInt(50);
            v[i] = c == 0 ? Double.NaN : c == 1 ? Double.POSITIVE_INFINITY : c == 2 ? 0.0 : c == 3 ? -0.0
                    : (r.nextDouble() - 0.5) * 6;
        }
        return NDArray.of(shape, dtype, v);
    }

    /** Inputs {@code x0, x1, ...} of one shape and dtype. */
    static Map<String, NDArray> inputs(Random r, int numInputs, Shape shape, DType dtype) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int k = 0; k < numInputs; k++) {
            m.put("x" + k, input(r, shape, dtype));
        }
        return m;
    }

    /** The same shape for every variable of the graph. */
    static Map<String, Shape> shapes(Graph g, Shape s) {
        Map<String, Shape> m = new LinkedHashMap<>();
        for (int i : g.variableNodes()) {
            m.put(g.node(i).name(), s);
        }
        return m;
    }

    /** The same dtype for every variable of the graph. */
    static Map<String, DType> types(Graph g, DType t) {
        Map<String, DType> m = new LinkedHashMap<>();
        for (int i : g.variableNodes()) {
            m.put(g.node(i).name(), t);
        }
        return m;
    }

    /** Equal shapes, dtypes and bits (any NaN equals any NaN). */
    static void assertSameBits(NDArray actual, NDArray expected, String what) {
        assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
        assertThat(actual.dtype()).as(what).isEqualTo(expected.dtype());
        for (int i = 0; i < expected.size(); i++) {
            long a = Double.doubleToLongBits(actual.getDouble(i));
            long e = Double.doubleToLongBits(expected.getDouble(i));
            if (a != e) {
                assertThat(actual.getDouble(i)).as("%s at %d", what, i).isEqualTo(expected.getDouble(i));
            }
        }
    }

    /** Every output of {@code actual} has the bits of the same output of {@code expected}. */
    static void assertSameBits(List<NDArray> actual, List<NDArray> expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int k = 0; k < expected.size(); k++) {
            assertSameBits(actual.get(k), expected.get(k), what + " output " + k);
        }
    }
}
