package dev.kiln.conformance;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.SymbolBlock;
import dev.kiln.examples.quickstart.QuickStart;
import dev.kiln.examples.unet.UNetExample;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The examples' exported models in real MXNet 1.9: the README quick start's {@code model-symbol.json} and
 * {@code model-0000.params} (with its constant) and the UNet example's export load into MXNet from the files and
 * compute what Kiln computes.
 */
@ExtendWith(FreshNames.class)
class ExamplesConformanceTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    /** MXNet runs the exported pair {@code prefix-symbol.json}, {@code prefix-0000.params} on {@code data}. */
    private static NDArray mxnetRuns(Path prefix, NDArray data) {
        MXNet mx = MXNet.get();
        MXNet.Loaded params = mx.load(Path.of(prefix + "-0000.params"));
        Map<String, NDArray> args = new LinkedHashMap<>();
        args.put("data", data);
        for (int i = 0; i < params.names().size(); i++) {
            args.put(params.names().get(i).substring(4), params.arrays().get(i)); // arg:/aux: dropped
        }
        try (MXSymbol loaded = MXSymbol.fromFile(mx, Path.of(prefix + "-symbol.json"))) {
            assertThat(args.keySet()).containsExactlyInAnyOrderElementsOf(loaded.listInputs());
            List<NDArray> out = loaded.run(args, false);
            assertThat(out).hasSize(1);
            return out.getFirst();
        }
    }

    private static void assertClose(NDArray kiln, NDArray mxnet) {
        Optional<String> diff = ArrayComparison.compare(kiln, mxnet, Tolerance.FLOAT32);
        assertThat(diff).as("Kiln vs MXNet").isEmpty();
    }

    @Test
    void mxnetPredictsWhatTheQuickStartModelPredictedInKiln() {
        QuickStart.main(new String[] {dir.toString()});
        NDArray x = NDArrayFile.loadDict(dir.resolve("sample-input.params")).get("data");
        NDArray kiln = NDArrayFile.loadDict(dir.resolve("sample-output.params")).get("output");
        assertClose(kiln, mxnetRuns(dir.resolve("model"), x));
    }

    @Test
    void mxnetRunsTheExportedUNetAsKilnImportsIt() {
        UNetExample.main(new String[] {dir.toString()});
        NDArray x = Random.uniform(-1, 1, 1, 1, 64, 64);
        NDArray kiln;
        try (var predict = Autograd.predictMode()) {
            kiln = SymbolBlock.imports(dir.resolve("unet-symbol.json"), dir.resolve("unet-0000.params")).call(x);
        }
        assertClose(kiln, mxnetRuns(dir.resolve("unet"), x));
    }
}
