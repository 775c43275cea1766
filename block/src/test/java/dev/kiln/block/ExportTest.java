package dev.kiln.block;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.init.Xavier;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link HybridBlock#export} and the matching {@link SymbolBlock#imports}: files, keys, metadata, round trips. */
@ExtendWith(FreshNames.class)
class ExportTest {
    @TempDir
    Path dir;

    /** conv (2 channels, 3x3) -> batch norm -> relu -> flatten -> dense (3). */
    static HybridSequential smallCnn() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Conv2D(2, 3), new BatchNorm(), new Activation("relu"), new Flatten(), new Dense(3));
        }
        net.initialize(new Xavier());
        return net;
    }

    /**
     * Three inputs of 3 columns, the middle one optional, two outputs: {@code (x * scale + z [+ y], tanh(x))},
     * {@code scale} scaling each column.
     */
    static final class ScaleAddTanh extends HybridBlock {
        ScaleAddTanh() {
            param("scale", ParameterSpec.of().shape(3));
        }

        /** Initialised with scales in [-2, 2]. */
        static ScaleAddTanh initialized() {
            ScaleAddTanh b = new ScaleAddTanh();
            b.initialize(new dev.kiln.init.Uniform(2));
            return b;
        }

        @Override
        protected <T> List<T> hybridForward(F<T> F, List<T> in, ParameterValues<T> p) {
            T sum = F.elemwiseAdd(F.broadcastMul(in.get(0), p.get("scale")), in.get(2));
            if (in.get(1) != null) {
                sum = F.elemwiseAdd(sum, in.get(1));
            }
            return List.of(sum, F.tanh(in.get(0)));
        }
    }

    private static List<NDArray> predict(Block block, NDArray... inputs) {
        try (var ignored = Autograd.predictMode()) {
            return block.callAll(Arrays.asList(inputs));
        }
    }

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void exportWritesTheSymbolTheArgAndAuxKeyedParametersAndTheMetadataAtomically() throws IOException {
        HybridSequential net = smallCnn();
        NDArray x = Random.uniform(-1, 1, 2, 1, 5, 5);
        try (var ignored = Autograd.record()) {
            net.call(x); // training mode: the running statistics move away from their initial values
        }
        ExportedFiles files = net.export(dir.resolve("cnn"), 7);

        assertThat(files.symbolFile()).isEqualTo(dir.resolve("cnn-symbol.json"));
        assertThat(files.paramsFile()).isEqualTo(dir.resolve("cnn-0007.params"));
        assertThat(files.metadataFile()).isEqualTo(dir.resolve("cnn-metadata.json"));
        assertThat(filesInDir()).containsExactly("cnn-0007.params", "cnn-metadata.json", "cnn-symbol.json");

        NDArrayFile.Contents saved = NDArrayFile.load(files.paramsFile());
        String p = "hybridsequential0_";
        assertThat(saved.keys()).containsExactly("arg:" + p + "conv0_weight", "arg:" + p + "conv0_bias",
                "arg:" + p + "batchnorm0_gamma", "arg:" + p + "batchnorm0_beta",
                "aux:" + p + "batchnorm0_running_mean", "aux:" + p + "batchnorm0_running_var",
                "arg:" + p + "dense0_weight", "arg:" + p + "dense0_bias");
        Map<String, Parameter> params = net.collectParams().asMap();
        Map<String, NDArray> byKey = saved.asMap();
        byKey.forEach((k, v) -> {
            assertThat(v.dtype()).isEqualTo(DType.FLOAT32);
            assertThat(v).isCloseTo(params.get(k.substring(4)).data(), 0, 0);
        });
        assertThat(byKey.get("aux:" + p + "batchnorm0_running_var").toDoubleArray()).doesNotContain(1.0);

        Symbol graph = Symbol.load(files.symbolFile());
        assertThat(graph.listArguments().get(0)).isEqualTo("data");
        assertThat(graph.listAuxiliaryStates()).containsExactly(p + "batchnorm0_running_mean",
                p + "batchnorm0_running_var");
        assertThat(Files.readString(files.symbolFile())).isEqualTo(net.trace(true).toJson());
    }

    @Test
    void anExportedCnnImportsAndComputesTheSameOutputs() {
        HybridSequential net = smallCnn();
        NDArray x = Random.uniform(-1, 1, 2, 1, 5, 5);
        try (var ignored = Autograd.record()) {
            net.call(x);
        }
        NDArray expected = predict(net, x).get(0);
        ExportedFiles files = net.export(dir.resolve("cnn"), 0);

        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        assertThat(imported.inputNames()).containsExactly("data");
        assertThat(predict(imported, x).get(0)).isCloseTo(expected, 0, 0);
        SymbolBlock named = SymbolBlock.imports(files.symbolFile(), List.of("data"), files.paramsFile());
        assertThat(predict(named, x).get(0)).isCloseTo(expected, 0, 0);
        assertThat(named.registeredParameters().get("hybridsequential0_batchnorm0_running_mean").gradReq())
                .isEqualTo(GradReq.NULL);
    }

    @Test
    void metadataRecordsTheInputsOfTheLastCallAndTheOutputs() {
        HybridSequential net = smallCnn();
        net.call(Random.uniform(-1, 1, 1, 1, 5, 5));
        net.call(Random.uniform(-1, 1, 2, 1, 5, 5));
        ExportedFiles files = net.export(dir.resolve("cnn"), 3);

        ExportMetadata m = ExportMetadata.read(files.metadataFile());
        assertThat(m).isEqualTo(files.metadata());
        assertThat(m.formatVersion()).isEqualTo(ExportMetadata.FORMAT_VERSION);
        assertThat(m.epoch()).isEqualTo(3);
        assertThat(m.block()).isEqualTo("dev.kiln.block.HybridSequential hybridsequential0");
        assertThat(m.inputs()).containsExactly(
                new ExportMetadata.Input(0, "data", Shape.of(2, 1, 5, 5), DType.FLOAT32));
        assertThat(m.outputs()).containsExactly(
                new ExportMetadata.Output("hybridsequential0_dense0_fwd_output", Shape.of(2, 3), DType.FLOAT32));
        assertThat(m.toJson()).contains("\"format\" : \"kiln-export-metadata\"")
                .contains("\"format_version\" : 1").contains("\"name\" : \"data\"");
    }

    @Test
    void severalInputsAreNamedData0Data1AndRoundTripWithSeveralOutputs() {
        ScaleAddTanh b = ScaleAddTanh.initialized();
        NDArray x = Random.uniform(-1, 1, 2, 3);
        NDArray y = Random.uniform(-1, 1, 2, 3);
        NDArray z = Random.uniform(-1, 1, 2, 3);
        List<NDArray> expected = b.callAll(List.of(x, y, z));
        ExportedFiles files = b.export(dir.resolve("multi"), 0);

        assertThat(Symbol.load(files.symbolFile()).listArguments()).containsExactly("data0",
                "scaleaddtanh0_scale", "data2", "data1");
        assertThat(files.metadata().inputNames()).containsExactly("data0", "data1", "data2");
        assertThat(NDArrayFile.load(files.paramsFile()).keys()).containsExactly("arg:scaleaddtanh0_scale");
        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        assertThat(imported.inputNames()).containsExactly("data0", "data1", "data2");
        List<NDArray> out = imported.callAll(List.of(x, y, z));
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isCloseTo(expected.get(0), 0, 0);
        assertThat(out.get(1)).isCloseTo(expected.get(1), 0, 0);
    }

    @Test
    void anAbsentOptionalInputIsLeftOutAndTheOthersNamedAsGluonNamesThem() {
        ScaleAddTanh b = ScaleAddTanh.initialized();
        NDArray x = Random.uniform(-1, 1, 2, 3);
        NDArray z = Random.uniform(-1, 1, 2, 3);
        List<NDArray> expected = b.callAll(Arrays.asList(x, null, z));
        double[] scale = b.registeredParameters().get("scale").data().toDoubleArray();
        double[] xs = x.toDoubleArray();
        double[] zs = z.toDoubleArray();
        double[] byHand = new double[6];
        for (int i = 0; i < 6; i++) {
            byHand[i] = xs[i] * scale[i % 3] + zs[i];
        }
        assertThat(expected.get(0)).isCloseTo(byHand, 1e-6, 0);
        ExportedFiles files = b.export(dir.resolve("opt"), 0);

        ExportMetadata m = files.metadata();
        assertThat(m.inputs()).containsExactly(
                new ExportMetadata.Input(0, "data0", Shape.of(2, 3), DType.FLOAT32),
                new ExportMetadata.Input(1, null, null, null),
                new ExportMetadata.Input(2, "data1", Shape.of(2, 3), DType.FLOAT32));
        assertThat(Symbol.load(files.symbolFile()).listArguments()).containsExactly("data0",
                "scaleaddtanh0_scale", "data1");

        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        assertThat(imported.callAll(List.of(x, z)).get(0)).isCloseTo(expected.get(0), 0, 0);
        assertThat(imported.callAll(Arrays.asList(x, null, z)).get(0)).isCloseTo(expected.get(0), 0, 0);
        assertThatThrownBy(() -> imported.callAll(Arrays.asList(x, z, null)))
                .hasMessageContaining("SymbolBlock takes 2 inputs [data0, data1] (exported with inputs "
                        + "[data0 (2, 3) float32, absent, data1 (2, 3) float32]), got 3: "
                        + "[(2, 3) float32, (2, 3) float32, absent]");
        assertThatThrownBy(() -> imported.call(x))
                .hasMessageContaining("got 1: [(2, 3) float32]");
    }

    @Test
    void exportFromDeclaredShapesCompletesDeferredParametersWithoutAForward() {
        HybridSequential net = smallCnn();
        Parameter w = net.collectParams().parameter("hybridsequential0_dense0_weight");
        assertThat(w.isDeferred()).isTrue();
        ExportedFiles files = net.export(dir.resolve("declared"), 1, Shape.of(4, 1, 6, 6));

        assertThat(w.shape()).isEqualTo(Shape.of(3, 32));
        assertThat(files.metadata().inputs()).containsExactly(
                new ExportMetadata.Input(0, "data", Shape.of(4, 1, 6, 6), DType.FLOAT32));
        assertThat(files.metadata().outputs().get(0).shape()).isEqualTo(Shape.of(4, 3));
        NDArray x = Random.uniform(-1, 1, 4, 1, 6, 6);
        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        assertThat(predict(imported, x).get(0)).isCloseTo(predict(net, x).get(0), 0, 0);

        ScaleAddTanh b = new ScaleAddTanh();
        b.initialize();
        ExportedFiles opt = b.export(dir.resolve("opt"), 0, Shape.of(5, 3), null, Shape.of(5, 3));
        assertThat(opt.metadata().inputNames()).containsExactly("data0", "data1");
        assertThat(opt.metadata().outputs().get(1).shape()).isEqualTo(Shape.of(5, 3));
    }

    @Test
    void parametersAreSavedInTheirOwnDtype() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(2));
        }
        net.initialize();
        net.cast(DType.FLOAT64);
        NDArray x = Random.uniform(-1, 1, 3, 4).astype(DType.FLOAT64);
        NDArray expected = net.call(x);
        ExportedFiles files = net.export(dir.resolve("f64"), 0);

        for (NDArray a : NDArrayFile.load(files.paramsFile()).arrays()) {
            assertThat(a.dtype()).isEqualTo(DType.FLOAT64);
        }
        assertThat(files.metadata().inputs().get(0).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(files.metadata().outputs().get(0).dtype()).isEqualTo(DType.FLOAT64);
        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        assertThat(imported.registeredParameters().get("hybridsequential0_dense0_weight").dtype())
                .isEqualTo(DType.FLOAT64);
        assertThat(imported.call(x)).isCloseTo(expected, 0, 0);
    }

    @Test
    void importedParametersAreFineTunable() {
        HybridSequential net = smallCnn();
        NDArray x = Random.uniform(-1, 1, 2, 1, 5, 5);
        net.call(x);
        ExportedFiles files = net.export(dir.resolve("cnn"), 0);
        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), files.paramsFile());

        try (var ignored = Autograd.record()) {
            net.call(x).backward();
        }
        try (var ignored = Autograd.record()) {
            imported.call(x).backward();
        }
        Map<String, Parameter> original = net.collectParams().asMap();
        imported.collectParams().asMap().forEach((name, p) -> {
            if (name.contains("running")) {
                assertThat(p.gradReq()).as(name).isEqualTo(GradReq.NULL);
            } else {
                assertThat(p.grad()).as(name).isCloseTo(original.get(name).grad(), 1e-6, 1e-6);
            }
        });
        assertThat(imported.collectParams().parameter("hybridsequential0_dense0_weight").grad().toDoubleArray())
                .isNotEqualTo(new double[3 * 18]);
    }

    @Test
    void importedBlocksRunHybridizedAndFineTuneThroughTheCompiledGraph() {
        HybridSequential net = smallCnn();
        NDArray x = Random.uniform(-1, 1, 2, 1, 5, 5);
        net.call(x);
        ExportedFiles files = net.export(dir.resolve("cnn"), 0);
        SymbolBlock eager = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        SymbolBlock hybrid = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        hybrid.hybridize(dev.kiln.hybrid.HybridizeOptions.builder().inlineLimit(0).build());

        assertThat(predict(hybrid, x).get(0)).isCloseTo(predict(eager, x).get(0), 1e-6, 1e-7);
        for (SymbolBlock b : List.of(eager, hybrid)) {
            try (var ignored = Autograd.record()) {
                b.call(x).backward();
            }
        }
        Map<String, Parameter> expected = eager.collectParams().asMap();
        hybrid.collectParams().asMap().forEach((name, p) -> {
            if (p.gradReq() != GradReq.NULL) {
                assertThat(p.grad()).as(name).isCloseTo(expected.get(name).grad(), 1e-5, 1e-6);
            } else {
                assertThat(p.data()).as(name).isCloseTo(expected.get(name).data(), 1e-6, 1e-7);
            }
        });
        assertThat(hybrid.cacheStats().misses()).isEqualTo(2); // predict, then training with gradients
    }

    @Test
    void aZeroParameterImportRunsHybridized() {
        HybridLambda tanh = new HybridLambda("tanh");
        NDArray x = Random.uniform(-1, 1, 2, 2);
        ExportedFiles files = tanh.export(dir.resolve("tanh"), 0, Shape.of(2, 2));
        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), null);
        imported.hybridize();
        assertThat(imported.call(x)).isCloseTo(Ops.call("tanh", x), 0, 0);
        assertThat(imported.cacheStats().misses()).isEqualTo(1);
    }

    @Test
    void aBlockWithoutParametersExportsAnEmptyParameterFile() {
        HybridLambda tanh = new HybridLambda("tanh");
        NDArray x = Random.uniform(-1, 1, 2, 2);
        NDArray expected = tanh.call(x);
        ExportedFiles files = tanh.export(dir.resolve("tanh"), 0);

        NDArrayFile.Contents saved = NDArrayFile.load(files.paramsFile());
        assertThat(saved.arrays()).isEmpty();
        assertThat(SymbolBlock.imports(files.symbolFile(), files.paramsFile()).call(x)).isCloseTo(expected, 0, 0);
        assertThat(SymbolBlock.imports(files.symbolFile(), null).call(x)).isCloseTo(expected, 0, 0);
    }

    @Test
    void exportingABlockNeverCalledOrNotInitializedIsAClearErrorThatWritesNothing() throws IOException {
        HybridSequential net = smallCnn();
        assertThatThrownBy(() -> net.export(dir.resolve("cnn"), 0))
                .hasMessageContaining("Cannot export block 'hybridsequential0' (HybridSequential)")
                .hasMessageContaining("input structure is unknown")
                .hasMessageContaining("call it once on example inputs")
                .hasMessageContaining("export(prefix, epoch, Shape...)");

        HybridSequential fresh = new HybridSequential();
        try (var ignored = fresh.nameScope()) {
            fresh.add(new Dense(2, "relu"));
        }
        assertThatThrownBy(() -> fresh.export(dir.resolve("fresh"), 0, Shape.of(1, 3)))
                .hasMessageContaining("parameters [hybridsequential1_dense0_weight, hybridsequential1_dense0_bias] "
                        + "are not initialized");
        assertThatThrownBy(() -> net.export(dir.resolve("cnn"), -1, Shape.of(1, 1, 4, 4)))
                .hasMessageContaining("epoch must be >= 0, got -1");
        assertThatThrownBy(() -> new ScaleAddTanh().export(dir.resolve("none"), 0, null, null, null))
                .hasMessageContaining("every one of the 3 inputs is absent");
        assertThat(filesInDir()).isEmpty();
        assertThatThrownBy(() -> net.export(dir.resolve("missing/cnn"), 0, Shape.of(1, 1, 4, 4)))
                .hasMessageContaining("cannot write " + dir.resolve("missing/cnn-0000.params"));
    }

    @Test
    void exportReplacesEarlierFilesLeavingNoTemporaryFiles() throws IOException {
        HybridSequential net = smallCnn();
        net.call(Random.uniform(-1, 1, 1, 1, 4, 4));
        net.export(dir.resolve("cnn"), 0);
        net.call(Random.uniform(-1, 1, 3, 1, 4, 4));
        ExportedFiles again = net.export(dir.resolve("cnn"), 0);
        assertThat(filesInDir()).containsExactly("cnn-0000.params", "cnn-metadata.json", "cnn-symbol.json");
        assertThat(ExportMetadata.read(again.metadataFile()).inputs().get(0).shape())
                .isEqualTo(Shape.of(3, 1, 4, 4));
    }
}
