package dev.kiln.cli.demo;

import dev.kiln.KilnException;
import dev.kiln.block.ExportedFiles;
import dev.kiln.block.HybridSequential;
import dev.kiln.data.DataLoader;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo's import check passes for a net's own export and fails for an export that computes anything else. */
class ImportCheckTest {
    @TempDir
    Path dir;
    private NDArray batch;
    private HybridSequential net;
    private ExportedFiles files;

    @BeforeEach
    void exportANet() {
        batch = DataLoader.builder(PatternImages.generate(8, 3)).batchSize(8).build().iterator().next().get(0);
        net = DemoNet.initialized(PatternImages.CLASSES.size(), 11, batch);
        net.hybridize();
        net.call(batch);
        files = net.export(dir.resolve("model"), 0);
    }

    @Test
    void aNetsOwnExportPredictsAsTheNetDoes() {
        ImportCheck.Result r = ImportCheck.run(net, files, batch);
        assertThat(r.agreement().samples()).isEqualTo(8);
        assertThat(r.agreement().sameClass()).isEqualTo(8);
        assertThat(r.agreement().maxAbsDifference()).isLessThanOrEqualTo(ImportCheck.TOLERANCE);
        assertThat(r.imported().toFloatArray()).containsExactly(net.call(batch).toFloatArray());
    }

    @Test
    void anExportWithOneBiasMovedFailsTheCheck() {
        Map<String, NDArray> params = new LinkedHashMap<>(NDArrayFile.loadDict(files.paramsFile()));
        String bias = params.keySet().stream().filter(k -> k.endsWith("dense0_bias")).findFirst().orElseThrow();
        params.put(bias, params.get(bias).copy().addInPlace(0.01));
        NDArrayFile.save(files.paramsFile(), params);

        assertThatThrownBy(() -> ImportCheck.run(net, files, batch))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("the model imported from " + files.symbolFile() + " and the trained net disagree")
                .hasMessageContaining("largest score difference 0.0100");
    }

    @Test
    void anotherNetsExportFailsTheCheck() {
        HybridSequential other = DemoNet.initialized(PatternImages.CLASSES.size(), 12, batch);
        assertThatThrownBy(() -> ImportCheck.run(other, files, batch))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("disagree");
    }

    @Test
    void aCopyHasTheSameParametersAsItsSourceInNewArrays() {
        HybridSequential copy = DemoNet.copyOf(net, PatternImages.CLASSES.size());
        var source = net.collectParamsByPath();
        var copied = copy.collectParamsByPath();
        assertThat(copied.keySet()).containsExactlyElementsOf(source.keySet());
        source.forEach((path, p) -> {
            assertThat(copied.get(path).data().toFloatArray()).as(path).containsExactly(p.data().toFloatArray());
            assertThat(copied.get(path).data().sharesStorageWith(p.data())).as(path).isFalse();
        });
    }
}
