package dev.kiln.compiler.exec;

import dev.kiln.compiler.CompileRequest;
import dev.kiln.graph.Graph;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

/** Graphs, requests, inputs and bit-for-bit comparisons for the generated executor's tests. */
final class ExecFixtures {
    private ExecFixtures() {
    }

    /** Dense(16, relu), Dense(8, tanh), Dense(4) on {@code data}. */
    static Graph mlp() {
        Symbol x = Symbol.var("data");
        x = sym.activation(dense(x, "dense0_", 16), "relu", Map.of("name", "dense0_relu_fwd"));
        x = sym.activation(dense(x, "dense1_", 8), "tanh", Map.of("name", "dense1_tanh_fwd"));
        return dense(x, "dense2_", 4).graph();
    }

    /** Two blocks of Conv(3x3, pad 1), BatchNorm, relu and 2x2 max pooling, then Flatten and Dense(5). */
    static Graph cnn() {
        Symbol x = Symbol.var("data");
        int[] filters = {4, 6};
        for (int k = 0; k < filters.length; k++) {
            String p = "conv" + k + "_";
            x = sym.convolution(x, Symbol.var(p + "weight"), Symbol.var(p + "bias"), IntTuple.of(3, 3), filters[k],
                    Map.of("pad", "(1, 1)", "name", p + "fwd"));
            String b = "batchnorm" + k + "_";
            x = sym.batchNorm(x, Symbol.var(b + "gamma"), Symbol.var(b + "beta"), Symbol.var(b + "running_mean"),
                    Symbol.var(b + "running_var"), Map.of("name", b + "fwd")).get(0);
            x = sym.activation(x, "relu", Map.of("name", "relu" + k + "_fwd"));
            x = sym.pooling(x, Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "max",
                    "name", "pool" + k + "_fwd"));
        }
        x = sym.flatten(x, Map.of("name", "flatten0_fwd"));
        return dense(x, "dense0_", 5).graph();
    }

    static Symbol dense(Symbol x, String prefix, int units) {
        return sym.fullyConnected(x, Symbol.var(prefix + "weight"), Symbol.var(prefix + "bias"), units,
                Map.of("name", prefix + "fwd"));
    }

    /**
     * A request for {@code graph} with {@code data} of shape {@code data} (other variables' shapes inferred), every
     * input float32; gradients of every argument (auxiliary states excluded) when {@code gradients}.
     */
    static CompileRequest request(Graph graph, Map<String, Shape> known, boolean training, boolean gradients,
                                  boolean staticShapes, boolean staticAlloc) {
        InferenceResult<Shape> shapes = ShapeInference.infer(graph, known);
        List<String> inputs = new ArrayList<>();
        List<Shape> inputShapes = new ArrayList<>();
        for (int i : graph.variableNodes()) {
            inputs.add(graph.node(i).name());
            inputShapes.add(shapes.entry(i, 0));
        }
        List<String> wrt = new ArrayList<>();
        if (gradients) {
            for (int i : graph.argumentNodes()) {
                wrt.add(graph.node(i).name());
            }
        }
        return new CompileRequest(graph, inputs, inputShapes, Collections.nCopies(inputs.size(), DType.FLOAT32),
                training, wrt, staticShapes, staticAlloc, graph.outputs().size());
    }

    /** Random inputs of the request's shapes (shape {@code data} for the input named data); variances positive. */
    static NDArray[] inputs(Random r, CompileRequest req, Shape data) {
        NDArray[] in = new NDArray[req.inputs().size()];
        for (int k = 0; k < in.length; k++) {
            String name = req.inputs().get(k);
            Shape shape = name.equals("data") && data != null ? data : req.shapes().get(k);
            double[] v = new double[shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = name.endsWith("running_var") ? 0.5 + r.nextDouble() : r.nextDouble() * 2 - 1;
            }
            in[k] = NDArray.of(shape, req.dtypes().get(k), v);
        }
        return in;
    }

    /** Deep copies, for runs that update auxiliary states in place. */
    static NDArray[] copies(NDArray[] arrays) {
        NDArray[] out = new NDArray[arrays.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = arrays[k].copy();
        }
        return out;
    }

    /** Random head gradients shaped like {@code outputs}. */
    static NDArray[] heads(Random r, NDArray[] outputs) {
        NDArray[] h = new NDArray[outputs.length];
        for (int k = 0; k < h.length; k++) {
            double[] v = new double[outputs[k].size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble() * 2 - 1;
            }
            h[k] = NDArray.of(outputs[k].shape(), outputs[k].dtype(), v);
        }
        return h;
    }

    /** Every array of {@code actual} has the shape, dtype and bits of the same array of {@code expected}. */
    static void assertSameBits(NDArray[] actual, NDArray[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int k = 0; k < expected.length; k++) {
            NDArray a = actual[k];
            NDArray e = expected[k];
            assertThat(a.shape()).as("%s %d", what, k).isEqualTo(e.shape());
            assertThat(a.dtype()).as("%s %d", what, k).isEqualTo(e.dtype());
            for (int i = 0; i < e.size(); i++) {
                if (Double.doubleToLongBits(a.getDouble(i)) != Double.doubleToLongBits(e.getDouble(i))) {
                    assertThat(a.getDouble(i)).as("%s %d at %d", what, k, i).isEqualTo(e.getDouble(i));
                }
            }
        }
    }
}
