package dev.kiln.block;

import dev.kiln.autograd.GradReq;
import dev.kiln.init.Xavier;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.parameter.LoadOptions;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class SymbolBlockTest {

    /** data -> fc1 (4) -> relu -> fc2 (2), composed functionally. */
    private static Symbol mlpGraph(Symbol data) {
        Symbol h = sym.fullyConnected(data, null, null, 4, Map.of("name", "fc1"));
        h = sym.activation(h, "relu", Map.of("name", "relu1"));
        return sym.fullyConnected(h, null, null, 2, Map.of("name", "fc2"));
    }

    /** relu(x W^T + b), or without relu, by plain loops. */
    private static double[] dense(double[] x, int rows, Parameter w, Parameter b, boolean relu) {
        int units = w.shape().get(0);
        int in = w.shape().get(1);
        double[] wv = w.data().toDoubleArray();
        double[] bv = b.data().toDoubleArray();
        double[] out = new double[rows * units];
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < units; u++) {
                double s = bv[u];
                for (int k = 0; k < in; k++) {
                    s += x[r * in + k] * wv[u * in + k];
                }
                out[r * units + u] = relu ? Math.max(0, s) : s;
            }
        }
        return out;
    }

    @Test
    void everyOtherVariableIsADeferredParameterNamedAsInTheGraph() {
        Symbol data = Symbol.var("data");
        SymbolBlock net = new SymbolBlock(mlpGraph(data), data);
        assertThat(net.registeredParameters().keySet()).containsExactly("fc1_weight", "fc1_bias", "fc2_weight",
                "fc2_bias");
        assertThat(net.collectParams().keys()).containsExactly("fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias");
        assertThat(net.inputNames()).containsExactly("data");
        net.initialize(new Xavier());
        assertThat(net.registeredParameters().get("fc1_weight").isDeferred()).isTrue();

        NDArray x = Random.uniform(-1, 1, 3, 5);
        List<NDArray> out = LayerCheck.of(net, x).expectShape(3, 2).run();
        Map<String, Parameter> p = net.registeredParameters();
        assertThat(p.get("fc1_weight").shape()).isEqualTo(Shape.of(4, 5));
        double[] h = dense(x.toDoubleArray(), 3, p.get("fc1_weight"), p.get("fc1_bias"), true);
        assertThat(out.get(0)).isCloseTo(dense(h, 3, p.get("fc2_weight"), p.get("fc2_bias"), false), 1e-5, 1e-6);
        assertThat(net).hasToString("SymbolBlock(\n<Symbol fc2> : 1 -> 1\n)");
    }

    @Test
    void severalInputsAndOutputsInTheGivenOrder() {
        Symbol a = Symbol.var("a");
        Symbol b = Symbol.var("b");
        Symbol sum = sym.elemwiseAdd(sym.elemwiseMul(a, b), Symbol.var("offset"), Map.of("name", "sum"));
        Symbol t = sym.tanh(a, Map.of("name", "t"));
        SymbolBlock net = new SymbolBlock(List.of(t, sum), List.of(b, a));
        assertThat(net.registeredParameters().keySet()).containsExactly("offset");
        net.initialize();
        NDArray x = NDArray.of(Shape.of(2), 0.5f, -1f);
        NDArray y = NDArray.of(Shape.of(2), 2f, 3f);
        List<NDArray> out = LayerCheck.of(net, y, x).expectShapes(Shape.of(2), Shape.of(2)).run();
        double[] offset = net.registeredParameters().get("offset").data().toDoubleArray();
        assertThat(out.get(0)).isCloseTo(new double[] {Math.tanh(0.5), Math.tanh(-1)}, 1e-6, 0);
        assertThat(out.get(1)).isCloseTo(new double[] {1 + offset[0], -3 + offset[1]}, 1e-6, 0);
        assertThat(net.toString()).endsWith(": 2 -> 2\n)");

        assertThatThrownBy(() -> net.call(x)).isInstanceOf(BlockForwardException.class)
                .hasMessageContaining("in block 'symbolblock0' (SymbolBlock): SymbolBlock takes 2 inputs [b, a], "
                        + "got 1");
        assertThatThrownBy(() -> net.callAll(java.util.Arrays.asList(x, null)))
                .hasMessageContaining("takes 2 inputs [b, a], got 2: [(2,) float32, absent]");
    }

    @Test
    void auxiliaryStatesAreNotTrainedAndStartFromTheirAnnotations() {
        Symbol data = Symbol.var("data");
        Symbol bn = sym.batchNorm(data, null, null, null, null, Map.of("name", "bn")).get(0);
        SymbolBlock net = new SymbolBlock(bn, data);
        Map<String, Parameter> p = net.registeredParameters();
        assertThat(p.keySet()).containsExactly("bn_gamma", "bn_beta", "bn_moving_mean", "bn_moving_var");
        assertThat(p.get("bn_moving_mean").gradReq()).isEqualTo(GradReq.NULL);
        assertThat(p.get("bn_moving_var").gradReq()).isEqualTo(GradReq.NULL);
        assertThat(p.get("bn_gamma").gradReq()).isEqualTo(GradReq.WRITE);
        net.initialize(new dev.kiln.init.Constant(5));
        NDArray x = Random.uniform(-1, 1, 2, 3);
        LayerCheck.of(net, x).expectShape(2, 3).tolerance(1e-4, 1e-5).run();
        assertThat(p.get("bn_moving_var").data()).isCloseTo(new double[] {1, 1, 1}, 0, 0);
        assertThat(p.get("bn_moving_mean").data()).isCloseTo(new double[] {0, 0, 0}, 0, 0);
    }

    @Test
    void aGraphWithoutParametersRunsAndImports(@TempDir Path dir) {
        Symbol data = Symbol.var("data");
        SymbolBlock net = new SymbolBlock(sym.sigmoid(data), data);
        assertThat(net.collectParams().keys()).isEmpty();
        NDArray x = NDArray.of(Shape.of(2), 0f, 1f);
        LayerCheck.of(net, x).expectShape(2).run();
        assertThat(net.call(x)).isCloseTo(new double[] {0.5, 1 / (1 + Math.exp(-1))}, 1e-6, 0);

        Path json = dir.resolve("s-symbol.json");
        sym.sigmoid(data).save(json);
        SymbolBlock imported = SymbolBlock.imports(json, List.of("data"), null);
        assertThat(imported.call(x)).isCloseTo(net.call(x), 0, 0);
    }

    @Test
    void aTracedKilnBlockRoundTripsSharingItsParameters() {
        HybridSequential mlp = new HybridSequential();
        try (var ignored = mlp.nameScope()) {
            mlp.add(new Dense(4, "relu"), new Dense(3));
        }
        mlp.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 5);
        NDArray expected = mlp.call(x);

        Symbol data = Symbol.var("data");
        SymbolBlock wrapped = new SymbolBlock(List.of(mlp.call(data)), List.of(data), mlp.collectParams());
        assertThat(wrapped.collectParams().asMap()).isEqualTo(mlp.collectParams().asMap());
        assertThat(wrapped.call(x)).isCloseTo(expected, 0, 0);
        LayerCheck.of(wrapped, x).expectShape(2, 3).run();
    }

    @Test
    void importsAnExportedGraphAndParametersWithOrWithoutArgPrefixes(@TempDir Path dir) {
        HybridSequential mlp = new HybridSequential();
        try (var ignored = mlp.nameScope()) {
            mlp.add(new Dense(4, "tanh"), new Dense(2));
        }
        mlp.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 3, 6);
        NDArray expected = mlp.call(x);
        Path json = dir.resolve("mlp-symbol.json");
        mlp.trace(true).save(json);
        Map<String, NDArray> exported = new LinkedHashMap<>();
        Map<String, NDArray> plain = new LinkedHashMap<>();
        mlp.collectParams().asMap().forEach((k, v) -> {
            exported.put("arg:" + k, v.data());
            plain.put(k, v.data());
        });
        Path params = dir.resolve("mlp-0000.params");
        NDArrayFile.save(params, exported);
        Path plainParams = dir.resolve("plain.params");
        NDArrayFile.save(plainParams, plain);

        SymbolBlock a = SymbolBlock.imports(json, List.of("data"), params);
        assertThat(a.call(x)).isCloseTo(expected, 0, 0);
        assertThat(a.registeredParameters().get("hybridsequential0_dense0_weight").shape())
                .isEqualTo(Shape.of(4, 6));
        SymbolBlock b = SymbolBlock.imports(json, List.of("data"), plainParams);
        assertThat(b.call(x)).isCloseTo(expected, 0, 0);
    }

    @Test
    void importReportsMissingExtraParametersAndMismatchedInputs(@TempDir Path dir) {
        Symbol data = Symbol.var("data");
        Path json = dir.resolve("net-symbol.json");
        mlpGraph(data).save(json);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put("arg:fc1_weight", Random.uniform(-1, 1, 4, 3));
        arrays.put("arg:fc1_bias", Random.uniform(-1, 1, 4));
        arrays.put("arg:fc2_weight", Random.uniform(-1, 1, 2, 4));
        arrays.put("arg:fc3_bias", Random.uniform(-1, 1, 2));
        Path params = dir.resolve("net.params");
        NDArrayFile.save(params, arrays);

        assertThatThrownBy(() -> SymbolBlock.imports(json, List.of("data"), params))
                .hasMessageContaining("missing from it (1): [fc2_bias]")
                .hasMessageContaining("matching no parameter (1): [fc3_bias]");
        SymbolBlock partial = SymbolBlock.imports(json, List.of("data"), params,
                LoadOptions.defaults().allowMissing(true).ignoreExtra(true));
        assertThat(partial.registeredParameters().get("fc2_weight").data()).isCloseTo(arrays.get("arg:fc2_weight"),
                0, 0);
        assertThat(partial.registeredParameters().get("fc2_bias").isInitialized()).isFalse();

        assertThatThrownBy(() -> SymbolBlock.imports(json, List.of("input"), params))
                .hasMessageContaining("Cannot import '" + json + "' with inputs [input]")
                .hasMessageContaining("input 'input' is not a variable of the graph")
                .hasMessageContaining("[data, fc1_weight, fc1_bias, fc2_weight, fc2_bias]");
    }

    @Test
    void inputsMustBeDistinctVariablesOfTheGraph() {
        Symbol data = Symbol.var("data");
        Symbol out = mlpGraph(data);
        assertThatThrownBy(() -> new SymbolBlock(out, sym.tanh(data, Map.of("name", "t"))))
                .hasMessageContaining("inputs must be variables, but input 0 is output 't_output' of an op");
        assertThatThrownBy(() -> new SymbolBlock(List.of(out), List.of(data, data)))
                .hasMessageContaining("input 'data' is given twice");
        assertThatThrownBy(() -> new SymbolBlock(List.of(), List.of(data))).hasMessageContaining("at least one");
    }

    @Test
    void savesAndLoadsByParameterName(@TempDir Path dir) {
        Symbol data = Symbol.var("data");
        SymbolBlock net = new SymbolBlock(mlpGraph(data), data);
        net.initialize();
        NDArray x = Random.uniform(-1, 1, 2, 3);
        NDArray before = net.call(x);
        Path file = dir.resolve("s.params");
        net.saveParameters(file);
        assertThat(NDArrayFile.loadDict(file).keySet()).containsExactly("fc1_weight", "fc1_bias", "fc2_weight",
                "fc2_bias");

        SymbolBlock other = new SymbolBlock(mlpGraph(data), data);
        other.loadParameters(file);
        assertThat(other.call(x)).isCloseTo(before, 0, 0);
    }

    @Test
    void composesIntoLargerModelsEagerAndSymbolic(@TempDir Path dir) {
        Symbol data = Symbol.var("data");
        Symbol graph = mlpGraph(data); // composed outside the scope, which would prefix its node names
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new SymbolBlock(graph, data), new HybridLambda("tanh"));
        }
        net.initialize();
        NDArray x = Random.uniform(-1, 1, 2, 3);
        LayerCheck.of(net, x).expectShape(2, 2).run();
        assertThat(net.collectParamsByPath().keySet()).containsExactly("0.fc1_weight", "0.fc1_bias",
                "0.fc2_weight", "0.fc2_bias");
        assertThat(net.summary(x)).contains("SymbolBlock-1").contains("HybridLambda-2").contains("Total params: 26");

        Symbol composed = net.call(Symbol.var("x"));
        assertThat(composed.listArguments()).containsExactly("x", "fc1_weight", "fc1_bias", "fc2_weight",
                "fc2_bias");

        Path file = dir.resolve("n.params");
        net.saveParameters(file);
        HybridSequential copy = new HybridSequential();
        try (var ignored = copy.nameScope()) {
            copy.add(new SymbolBlock(graph, data), new HybridLambda("tanh"));
        }
        copy.loadParameters(file);
        assertThat(copy.call(x)).isCloseTo(net.call(x), 0, 0);
    }

    @Test
    void trainingForwardUpdatesAuxiliaryStatesInPlace() {
        Symbol data = Symbol.var("data");
        SymbolBlock net = new SymbolBlock(sym.batchNorm(data, null, null, null, null, Map.of("name", "bn")).get(0),
                data);
        net.initialize();
        NDArray x = NDArray.of(Shape.of(2, 2), 1f, 10f, 3f, 20f);
        try (var ignored = dev.kiln.autograd.Autograd.record(true)) {
            net.call(x);
        }
        // MXNet's update: moving = 0.9 * moving + 0.1 * batch mean (2 and 15)
        assertThat(net.registeredParameters().get("bn_moving_mean").data()).isCloseTo(new double[] {0.2, 1.5},
                1e-6, 0);
    }

    @Test
    void aParameterWhoseShapeCannotBeInferredIsNamedInTheError() {
        Symbol data = Symbol.var("data");
        SymbolBlock net = new SymbolBlock(sym.broadcastAdd(data, Symbol.var("shift")), data);
        net.initialize();
        assertThatThrownBy(() -> net.call(Random.uniform(-1, 1, 2, 3)))
                .hasMessageContaining("Deferred initialization of block 'symbolblock0'")
                .hasMessageContaining("parameter 'shift'");
    }
}
