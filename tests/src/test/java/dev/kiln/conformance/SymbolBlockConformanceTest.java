package dev.kiln.conformance;

import dev.kiln.block.SymbolBlock;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code SymbolBlock.imports} of a graph MXNet 1.9 composed and wrote itself ({@code tojson}) with a parameter file
 * MXNet saved ({@code arg:}/{@code aux:} keys): Kiln's outputs on the imported block equal MXNet's on the same graph
 * and arrays.
 */
class SymbolBlockConformanceTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    @Test
    void importsAGraphAndParametersWrittenByMXNetAndComputesWhatMXNetDoes() throws Exception {
        MXNet mx = MXNet.get();
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("arg:fc1_weight", Random.uniform(-1, 1, 4, 3));
        params.put("arg:fc1_bias", Random.uniform(-1, 1, 4));
        params.put("arg:bn_gamma", Random.uniform(0.5, 1.5, 4));
        params.put("arg:bn_beta", Random.uniform(-1, 1, 4));
        params.put("aux:bn_moving_mean", Random.uniform(-0.5, 0.5, 4));
        params.put("aux:bn_moving_var", Random.uniform(0.5, 2, 4));
        params.put("arg:fc2_weight", Random.uniform(-1, 1, 2, 5));
        params.put("arg:fc2_bias", Random.uniform(-1, 1, 2));
        Path json = dir.resolve("net-symbol.json");
        try (MXSymbol a = MXSymbol.variable(mx, "a");
             MXSymbol b = MXSymbol.variable(mx, "b");
             MXSymbol fc1 = MXSymbol.op(mx, "FullyConnected", Map.of("num_hidden", "4"), "fc1", a);
             MXSymbol bn = MXSymbol.op(mx, "BatchNorm", Map.of("fix_gamma", "False"), "bn", fc1);
             MXSymbol relu = MXSymbol.op(mx, "Activation", Map.of("act_type", "relu"), "relu", bn.output(0));
             MXSymbol fc2 = MXSymbol.op(mx, "FullyConnected", Map.of("num_hidden", "2"), "fc2", b);
             MXSymbol both = MXSymbol.group(mx, relu, fc2)) {
            Files.writeString(json, both.toJson());
        }
        Path file = dir.resolve("net-0000.params");
        mx.save(file, new ArrayList<>(params.keySet()), new ArrayList<>(params.values()));

        SymbolBlock block = SymbolBlock.imports(json, List.of("a", "b"), file);
        assertThat(block.registeredParameters().get("bn_moving_var").gradReq())
                .isEqualTo(dev.kiln.autograd.GradReq.NULL);
        NDArray x = Random.uniform(-1, 1, 2, 3);
        NDArray y = Random.uniform(-1, 1, 2, 5);
        List<NDArray> kiln = block.callAll(List.of(x, y));

        Map<String, NDArray> args = new LinkedHashMap<>();
        args.put("a", x);
        args.put("b", y);
        params.forEach((k, v) -> args.put(k.substring(4), v));
        List<NDArray> mxnet;
        try (MXSymbol loaded = MXSymbol.fromJson(mx, Files.readString(json))) {
            mxnet = loaded.run(args, false);
        }
        assertThat(kiln).hasSameSizeAs(mxnet);
        for (int i = 0; i < kiln.size(); i++) {
            Optional<String> diff = ArrayComparison.compare(kiln.get(i), mxnet.get(i), Tolerance.FLOAT32);
            assertThat(diff).as("output " + i + " vs MXNet").isEmpty();
        }
    }
}
