package dev.kiln.conformance;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.block.ExportedFiles;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.ParameterValues;
import dev.kiln.block.SymbolBlock;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.surface.F;
import dev.kiln.random.Random;
import dev.kiln.testing.GluonDenseBn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Export and import against real MXNet 1.9, through files only: MXNet reads a pair Kiln exported
 * ({@code MXSymbolCreateFromFile}, {@code MXNDArrayLoad}) and computes what Kiln computes; Kiln imports a pair MXNet
 * wrote ({@code MXSymbolSaveToFile} of a Gluon-style graph, {@code MXNDArraySave}) and computes what MXNet computes.
 */
class ExportConformanceTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    /** Two required inputs and an optional third, two outputs: {@code (dense(x) + y [+ z], tanh(dense(x)))}. */
    static final class TwoHeads extends HybridBlock {
        private final Dense dense;

        TwoHeads() {
            try (var ignored = nameScope()) {
                dense = registerChild(new Dense(3), "dense");
            }
        }

        @Override
        protected <T> List<T> hybridForward(F<T> F, List<T> in, ParameterValues<T> p) {
            T h = dense.call(F, in.get(0));
            T sum = F.elemwiseAdd(h, in.get(1), Map.of("name", "sum"));
            if (in.get(2) != null) {
                sum = F.elemwiseAdd(sum, in.get(2), Map.of("name", "sum2"));
            }
            return List.of(sum, F.tanh(h, Map.of("name", "tanh")));
        }
    }

    /**
     * Loads the exported pair into MXNet from the files and runs it as a cached op on {@code inputs} (by input
     * name); the {@code arg:}/{@code aux:} split of the file must be MXNet's own split of the graph's variables.
     */
    private static List<NDArray> mxnetRunsExport(ExportedFiles files, Map<String, NDArray> inputs, boolean training) {
        MXNet mx = MXNet.get();
        MXNet.Loaded params = mx.load(files.paramsFile());
        Map<String, NDArray> args = new LinkedHashMap<>(inputs);
        try (MXSymbol loaded = MXSymbol.fromFile(mx, files.symbolFile())) {
            List<String> arguments = loaded.listArguments();
            List<String> aux = loaded.listAuxiliaryStates();
            for (int i = 0; i < params.names().size(); i++) {
                String key = params.names().get(i);
                String name = key.substring(4);
                assertThat(key.startsWith("aux:") ? aux : arguments).as(key).contains(name);
                args.put(name, params.arrays().get(i));
            }
            assertThat(args.keySet()).containsExactlyInAnyOrderElementsOf(loaded.listInputs());
            return loaded.run(args, training);
        }
    }

    private static void assertSame(List<NDArray> kiln, List<NDArray> mxnet) {
        assertThat(kiln).hasSameSizeAs(mxnet);
        for (int i = 0; i < kiln.size(); i++) {
            Optional<String> diff = ArrayComparison.compare(kiln.get(i), mxnet.get(i), Tolerance.FLOAT32);
            assertThat(diff).as("output " + i + " vs MXNet").isEmpty();
        }
    }

    @Test
    void mxnetLoadsAnExportedCnnWithBatchNormAndPredictsWhatKilnPredicts() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Conv2D(4, 3), new BatchNorm(), new Activation("relu"), new MaxPool2D(2),
                    new Flatten(), new Dense(5));
        }
        net.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 3, 2, 8, 8);
        try (var ignored = Autograd.record()) {
            net.call(x); // moves the running statistics, so predict mode reads non-trivial ones
        }
        List<NDArray> kiln;
        try (var ignored = Autograd.predictMode()) {
            kiln = net.callAll(List.of(x));
        }
        ExportedFiles files = net.export(dir.resolve("cnn"), 2);
        assertThat(files.paramsFile().getFileName().toString()).isEqualTo("cnn-0002.params");

        assertSame(kiln, mxnetRunsExport(files, Map.of("data", x), false));
    }

    @Test
    void mxnetLoadsAnExportedMultiInputBlockWithAnAbsentOptionalInput() {
        TwoHeads block = new TwoHeads();
        block.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 4);
        NDArray y = Random.uniform(-1, 1, 2, 3);
        List<NDArray> kiln = block.callAll(Arrays.asList(x, y, null));
        ExportedFiles files = block.export(dir.resolve("heads"), 0);
        assertThat(files.metadata().inputNames()).containsExactly("data0", "data1");

        Map<String, NDArray> inputs = new LinkedHashMap<>();
        inputs.put("data0", x);
        inputs.put("data1", y);
        assertSame(kiln, mxnetRunsExport(files, inputs, false));

        NDArray z = Random.uniform(-1, 1, 2, 3);
        List<NDArray> all = block.callAll(List.of(x, y, z));
        ExportedFiles three = block.export(dir.resolve("heads3"), 0);
        inputs.put("data2", z);
        assertSame(all, mxnetRunsExport(three, inputs, false));
    }

    /** A variable annotated as Gluon 1.x's {@code Parameter.var()} annotates it. */
    private static MXSymbol gluonVar(MXNet mx, String name, String shape, String init) {
        MXSymbol v = MXSymbol.variable(mx, name);
        v.setAttr("__shape__", shape);
        v.setAttr("__dtype__", "0");
        v.setAttr("__lr_mult__", "1.0");
        v.setAttr("__wd_mult__", "1.0");
        v.setAttr("__storage_type__", "0");
        if (init != null) {
            v.setAttr("__init__", init);
        }
        return v;
    }

    @Test
    void kilnImportsAGluonStylePairWrittenByMXNetAndComputesWhatMXNetComputes() {
        MXNet mx = MXNet.get();
        Map<String, NDArray> params = GluonDenseBn.params();
        Path json = dir.resolve("gluon-symbol.json");
        try (MXSymbol data = MXSymbol.variable(mx, "data");
             MXSymbol w = gluonVar(mx, "net0_dense0_weight", "(4, 0)", null);
             MXSymbol b = gluonVar(mx, "net0_dense0_bias", "(4,)", "zeros");
             MXSymbol gamma = gluonVar(mx, "net0_batchnorm0_gamma", "(0,)", "ones");
             MXSymbol beta = gluonVar(mx, "net0_batchnorm0_beta", "(0,)", "zeros");
             MXSymbol mean = gluonVar(mx, "net0_batchnorm0_running_mean", "(0,)", "zeros");
             MXSymbol var = gluonVar(mx, "net0_batchnorm0_running_var", "(0,)", "ones");
             MXSymbol fc = MXSymbol.op(mx, "FullyConnected", Map.of("num_hidden", "4"), "net0_dense0_fwd",
                     data, w, b);
             MXSymbol bn = MXSymbol.op(mx, "BatchNorm", Map.of("fix_gamma", "False"), "net0_batchnorm0_fwd",
                     fc, gamma, beta, mean, var);
             MXSymbol bn0 = bn.output(0);
             MXSymbol relu = MXSymbol.op(mx, "Activation", Map.of("act_type", "relu"), "net0_relu0_fwd", bn0)) {
            relu.save(json);
        }
        Path file = dir.resolve("gluon-0000.params");
        mx.save(file, new ArrayList<>(params.keySet()), new ArrayList<>(params.values()));

        SymbolBlock block = SymbolBlock.imports(json, file);
        assertThat(block.inputNames()).containsExactly("data");
        assertThat(block.registeredParameters().get("net0_batchnorm0_running_mean").gradReq())
                .isEqualTo(GradReq.NULL);
        NDArray x = Random.uniform(-1, 1, 5, 3);
        Map<String, NDArray> args = new LinkedHashMap<>();
        args.put("data", x);
        params.forEach((k, v) -> args.put(k.substring(4), v));
        for (boolean training : new boolean[] {false, true}) {
            List<NDArray> kiln;
            try (var ignored = training ? Autograd.trainMode() : Autograd.predictMode()) {
                kiln = block.callAll(List.of(x));
            }
            List<NDArray> mxnet;
            try (MXSymbol loaded = MXSymbol.fromFile(mx, json)) {
                mxnet = loaded.run(args, training);
            }
            assertSame(kiln, mxnet);
        }
    }
}
