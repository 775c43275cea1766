package dev.kiln.tornado.kernel;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training graph of a small Conv + BatchNorm + Pooling + Dense model with a softmax cross-entropy loss (as the
 * symbolic gradient builds it): every node the lowering accepts runs on the device emulation and gives the value the
 * CPU interpreter computed for it (BatchNorm's moving statistics move as the interpreter moved them); only Dropout
 * (random in training) stays on the host.
 */
class TrainingGraphKernelsTest {

    private static Graph model() {
        Symbol x = Symbol.var("data");
        x = sym.convolution(x, Symbol.var("conv_weight"), Symbol.var("conv_bias"), IntTuple.of(3, 3), 4,
                Map.of("pad", "(1, 1)", "name", "conv"));
        x = sym.batchNorm(x, Symbol.var("bn_gamma"), Symbol.var("bn_beta"), Symbol.var("bn_mean"),
                Symbol.var("bn_var"), Map.of("fix_gamma", false, "name", "bn")).get(0);
        x = sym.activation(x, "relu", Map.of("name", "relu"));
        x = sym.pooling(x, Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "max", "name", "pool"));
        x = sym.pooling(x, Map.of("kernel", "(2, 2)", "pool_type", "avg", "pad", "(1, 1)", "name", "apool"));
        x = sym.flatten(x, Map.of("name", "flat"));
        x = sym.dropout(x, Map.of("p", 0.5, "name", "drop"));
        x = sym.fullyConnected(x, Symbol.var("fc_weight"), Symbol.var("fc_bias"), 5, Map.of("name", "fc"));
        x = sym.activation(x, "tanh", Map.of("name", "tanh"));
        Symbol ls = sym.logSoftmax(x, null, Map.of("axis", -1, "name", "ls"));
        Symbol p = sym.pick(ls, Symbol.var("label"), Map.of("axis", -1, "keepdims", true, "name", "pick"));
        return sym.mean(sym.negative(p, Map.of("name", "neg")), Map.of("axis", "(1,)", "exclude", true,
                "name", "loss")).graph();
    }

    /**
     * A decoder in the style of UNet's up path ending in a Gluon loss: conv, gelu, max pooling, nearest UpSampling,
     * Deconvolution, clip, dense, then SoftmaxOutput or softmax_cross_entropy against class labels.
     */
    private static Graph decoder(String loss) {
        Symbol x = Symbol.var("data");
        x = sym.convolution(x, Symbol.var("conv_weight"), Symbol.var("conv_bias"), IntTuple.of(3, 3), 4,
                Map.of("pad", "(1, 1)", "name", "conv"));
        x = sym.leakyReLU(x, null, Map.of("act_type", "gelu", "name", "gelu"));
        x = sym.pooling(x, Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "max", "name", "pool"));
        x = sym.upSampling(List.of(x), 2, "nearest", Map.of("num_args", 1, "name", "up"));
        x = sym.deconvolution(x, Symbol.var("deconv_weight"), null, IntTuple.of(4, 4), 4,
                Map.of("stride", "(2, 2)", "pad", "(1, 1)", "name", "deconv"));
        x = sym.clip(x, -1.5, 1.5, Map.of("name", "clip"));
        x = sym.fullyConnected(x, Symbol.var("fc_weight"), Symbol.var("fc_bias"), 5, Map.of("name", "fc"));
        return (loss.equals("SoftmaxOutput") ? sym.softmaxOutput(x, Symbol.var("label"), Map.of("name", "out"))
                : sym.softmaxCrossEntropy(x, Symbol.var("label"), Map.of("name", "out"))).graph();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SoftmaxOutput", "softmax_cross_entropy"})
    void everyNodeOfADecoderTrainingGraphRunsOnTheDevice(String loss) {
        TreeSet<String> device = checkEveryAcceptedNode(decoder(loss), true, List.of("data", "conv_weight",
                "conv_bias", "deconv_weight", "fc_weight", "fc_bias"), Collections.emptySet());
        assertThat(device).contains("UpSampling", "_backward_UpSampling", "Deconvolution", "_backward_Deconvolution",
                "LeakyReLU", "clip", loss, "_backward_" + loss);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyAcceptedNodeOfTheTrainingGraphMatchesTheInterpreter(boolean training) {
        TreeSet<String> device = checkEveryAcceptedNode(model(), training, List.of("data", "conv_weight",
                "conv_bias", "bn_gamma", "bn_beta", "fc_weight", "fc_bias"),
                training ? java.util.Set.of("Dropout") : Collections.emptySet());
        assertThat(device).contains("Convolution", "_backward_Convolution", "Pooling", "_backward_Pooling",
                "FullyConnected", "dot", "log_softmax", "pick", "_backward_pick", "_backward_BatchNorm", "sum",
                "mean", "_broadcast_reduced_like");
    }

    /**
     * Runs every node of {@code model}'s gradient graph that the lowering accepts on the emulation and compares it
     * with the interpreter; requires exactly {@code host} to stay on the host; returns the ops run on the device.
     */
    private static TreeSet<String> checkEveryAcceptedNode(Graph model, boolean training, List<String> wrt,
                                                          java.util.Set<String> expectedHost) {
        GradientGraph gg = GraphGradient.of(model).training(training).wrt(wrt.toArray(String[]::new))
                .onesHeadGradients().build();
        Graph g = gg.graph();
        InferenceResult<Shape> shapes = ShapeInference.infer(g, Map.of("data", Shape.of(2, 2, 6, 6),
                "label", Shape.of(2))).requireComplete();
        Random r = new Random(23);
        Map<String, NDArray> vars = new HashMap<>();
        for (int i : g.variableNodes()) {
            String name = g.node(i).name();
            Shape s = shapes.entry(i, 0);
            vars.put(name, switch (name) {
                case "label" -> NDArray.wrap(s, new float[] {1, 4});
                case "bn_var" -> KernelHarness.random(r, 0.5f, 2f, s.dims());
                default -> KernelHarness.random(r, s.dims());
            });
        }
        Map<String, NDArray> interpreterVars = new HashMap<>();
        vars.forEach((k, v) -> interpreterVars.put(k, NDArray.wrap(v.shape(), v.toFloatArray().clone())));
        NDArray[][] values = Interpreter.run(g, interpreterVars, training, false);
        DeviceKernels kernels = new DeviceKernels(ArrayFlavor.HEAP, training);
        TreeSet<String> host = new TreeSet<>();
        TreeSet<String> device = new TreeSet<>();
        for (int i = 0; i < g.size(); i++) {
            Node n = g.node(i);
            if (!(n instanceof OpNode op)) {
                continue;
            }
            List<NDArray> inputs = new ArrayList<>();
            for (Entry e : op.inputs()) {
                NDArray v = g.node(e.node()) instanceof OpNode ? values[e.node()][e.output()]
                        : vars.get(g.node(e.node()).name());
                inputs.add(v);
            }
            List<Shape> inShapes = inputs.stream().map(NDArray::shape).toList();
            if (kernels.unsupported(op, inShapes, Collections.nCopies(inputs.size(), DType.FLOAT32)).isPresent()) {
                host.add(op.op().name());
                continue;
            }
            device.add(op.op().name());
            List<float[]> buffers = KernelHarness.runBuffers(kernels, op, inputs);
            for (int k = 0; k < op.numOutputs(); k++) {
                KernelHarness.assertClose(op.name() + " (" + op.op().name() + ") output " + k,
                        NDArray.wrap(values[i][k].shape(), buffers.get(inputs.size() + k)), values[i][k], 1e-4);
            }
            for (int m : kernels.mutatedInputs(op)) {
                String moved = g.node(op.inputs().get(m).node()).name();
                KernelHarness.assertClose(moved, NDArray.wrap(inputs.get(m).shape(), buffers.get(m)),
                        interpreterVars.get(moved), 1e-5);
            }
        }
        assertThat(host).containsExactlyInAnyOrderElementsOf(expectedHost);
        return device;
    }
}
