package dev.kiln.block;

import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.GluonDenseBn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SymbolBlock#imports} of files written the way MXNet 1.x Gluon writes them, and the checks of the input
 * structure against Kiln's export metadata.
 */
@ExtendWith(FreshNames.class)
class ImportTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void importsAGluonExportWithItsVariableAnnotationsAndComputesPredictions() throws IOException {
        Path json = write("gluon-symbol.json", GluonDenseBn.json(""));
        Map<String, NDArray> params = GluonDenseBn.params();
        Path file = dir.resolve("gluon-0000.params");
        NDArrayFile.save(file, params);

        SymbolBlock net = SymbolBlock.imports(json, file);
        assertThat(net.inputNames()).containsExactly("data");
        Parameter weight = net.registeredParameters().get("net0_dense0_weight");
        assertThat(weight.shape()).isEqualTo(Shape.of(4, 3));
        assertThat(net.registeredParameters().get("net0_batchnorm0_running_var").gradReq())
                .isEqualTo(dev.kiln.autograd.GradReq.NULL);
        NDArray x = Random.uniform(-1, 1, 5, 3);
        NDArray y;
        try (var ignored = dev.kiln.autograd.Autograd.predictMode()) {
            y = net.call(x);
        }
        assertThat(y).hasShape(5, 4).isCloseTo(GluonDenseBn.predict(x, params), 1e-5, 1e-6);
    }

    @Test
    void anInitializerAnnotationThisKilnDoesNotKnowIsIgnoredAndSparseStorageRefused() throws IOException {
        Path json = write("custom-symbol.json", GluonDenseBn.json("\"__init__\": \"[\\\"myinit\\\", {}]\", "));
        SymbolBlock net = SymbolBlock.imports(json, null);
        assertThat(net.registeredParameters().get("net0_dense0_weight").init()).isNull();
        assertThat(net.registeredParameters().get("net0_dense0_bias").init()).isNotNull();

        Path sparse = write("sparse-symbol.json", GluonDenseBn.json("").replace(
                "\"__shape__\": \"(4,)\", \"__storage_type__\": \"0\"",
                "\"__shape__\": \"(4,)\", \"__storage_type__\": \"1\""));
        assertThatThrownBy(() -> SymbolBlock.imports(sparse, null))
                .hasMessageContaining("does not support parameter 'net0_dense0_bias'")
                .hasMessageContaining("__storage_type__ is 1 (sparse)");
    }

    @Test
    void aGraphWithoutParametersImportsWithAnEmptyParameterFile() throws IOException {
        Path json = dir.resolve("act-symbol.json");
        sym.sigmoid(Symbol.var("data"), Map.of("name", "sig")).save(json);
        Path empty = dir.resolve("act-0000.params");
        NDArrayFile.save(empty, Map.of());
        SymbolBlock net = SymbolBlock.imports(json, empty);
        assertThat(net.collectParams().keys()).isEmpty();
        assertThat(net.call(NDArray.of(Shape.of(1), 0f))).isCloseTo(new double[] {0.5}, 0, 0);
    }

    @Test
    void withoutMetadataTheOnlyInputIsDataAndAGraphWithoutItIsAClearError() {
        Path json = dir.resolve("x-symbol.json");
        sym.tanh(Symbol.var("x"), Map.of("name", "t")).save(json);
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("Cannot import '" + json + "' with inputs [data]")
                .hasMessageContaining("input 'data' is not a variable of the graph; its variables are [x]");
        assertThat(SymbolBlock.imports(json, List.of("x"), null).inputNames()).containsExactly("x");
    }

    @Test
    void explicitInputNamesMustAgreeWithTheMetadataBesideTheSymbolFile() {
        ExportTest.ScaleAddTanh b = new ExportTest.ScaleAddTanh();
        b.initialize();
        ExportedFiles files = b.export(dir.resolve("multi"), 0, Shape.of(2, 3), Shape.of(2, 3), Shape.of(2, 3));
        assertThatThrownBy(() -> SymbolBlock.imports(files.symbolFile(), List.of("data1", "data0", "data2"),
                files.paramsFile()))
                .hasMessageContaining("Input structure mismatch: the import names inputs [data1, data0, data2]")
                .hasMessageContaining("records inputs [data0 (2, 3) float32, data1 (2, 3) float32, "
                        + "data2 (2, 3) float32], that is graph inputs [data0, data1, data2]");
        SymbolBlock ok = SymbolBlock.imports(files.symbolFile(), List.of("data0", "data1", "data2"),
                files.paramsFile());
        assertThatThrownBy(() -> ok.callAll(List.of(NDArray.ones(2, 3))))
                .hasMessageContaining("SymbolBlock takes 3 inputs [data0, data1, data2] (exported with inputs "
                        + "[data0 (2, 3) float32, data1 (2, 3) float32, data2 (2, 3) float32]), got 1: "
                        + "[(2, 3) float32]");
    }

    @Test
    void metadataThatDisagreesWithTheGraphOrIsMalformedIsAClearError() throws IOException {
        Path json = dir.resolve("m-symbol.json");
        sym.tanh(Symbol.var("data"), Map.of("name", "t")).save(json);
        Path meta = dir.resolve("m-metadata.json");
        String good = new ExportMetadata(1, "test", 0,
                List.of(new ExportMetadata.Input(0, "data", Shape.of(2), null)),
                List.of(new ExportMetadata.Output("t_output", null, null))).toJson();
        Files.writeString(meta, good);
        assertThat(SymbolBlock.imports(json, null).inputNames()).containsExactly("data");

        Files.writeString(meta, good.replace("\"t_output\"", "\"t_output\"}, {\"name\": \"u_output\""));
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("its metadata records 2 outputs [t_output, u_output] but the graph has 1 "
                        + "[t_output]");
        Files.writeString(meta, good.replace("\"name\" : \"data\"", "\"name\" : \"x\""));
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("with inputs [x]").hasMessageContaining("its variables are [data]");
        Files.writeString(meta, good.replace("\"format_version\" : 1", "\"format_version\" : 2"));
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("metadata file " + meta + ": field 'format_version' is 2")
                .hasMessageContaining("a later version needs a later Kiln");
        Files.writeString(meta, good.replace("\"position\" : 0", "\"position\" : 1"));
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("inputs[0].position is 1, expected 0");
        Files.writeString(meta, good.replace("\"shape\" : [ 2 ]", "\"shape\" : [ -2 ]"));
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("inputs[0].shape[0] is -2");
        Files.writeString(meta, good.replace("kiln-export-metadata", "other"));
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("field 'format' is 'other'");
        Files.writeString(meta, "{\"format\": ");
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("metadata file " + meta + " is not valid JSON");
        Files.writeString(meta, "[1]");
        assertThatThrownBy(() -> SymbolBlock.imports(json, null))
                .hasMessageContaining("the document must be an object, got an array");
    }

    @Test
    void metadataRoundTripsUnknownDimensionsAndDtypes() throws IOException {
        ExportMetadata m = new ExportMetadata(1, "b", 12,
                List.of(new ExportMetadata.Input(0, "data0", Shape.partial(-1, 3), dev.kiln.ndarray.DType.INT32),
                        new ExportMetadata.Input(1, null, null, null),
                        new ExportMetadata.Input(2, "data1", null, null)),
                List.of(new ExportMetadata.Output("o", Shape.scalar(), dev.kiln.ndarray.DType.FLOAT16)));
        Path file = write("r-metadata.json", m.toJson());
        assertThat(ExportMetadata.read(file)).isEqualTo(m);
        assertThat(m.toJson()).contains("\"shape\" : [ null, 3 ]").contains("\"dtype\" : \"int32\"");
        assertThat(m.presence()).containsExactly(true, false, true);
    }
}
