package dev.kiln.parameter;

import dev.kiln.init.Constant;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterLoadingTest {
    @TempDir
    Path dir;

    private static ParameterDict dense(String prefix) {
        ParameterDict d = new ParameterDict(prefix);
        d.get("weight", ParameterSpec.of().shape(2, 3));
        d.get("bias", ParameterSpec.of().shape(2));
        return d;
    }

    private static Map<String, NDArray> arrays(Object... keyValues) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], (NDArray) keyValues[i + 1]);
        }
        return m;
    }

    private static NDArray range(int... dims) {
        NDArray a = NDArray.zeros(Shape.of(dims), DType.FLOAT32, dev.kiln.ndarray.Device.cpu());
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, i + 1);
        }
        return a;
    }

    @Test
    void saveThenLoadRestoresEveryValueIntoTheSameParameters() {
        ParameterDict d = dense("dense0_");
        d.initialize(new Constant(0.5));
        d.parameter("dense0_weight").setData(range(2, 3));
        d.parameter("dense0_bias").setData(NDArray.of(Shape.of(2), 0.5f, 0.5f));
        Path file = dir.resolve("dense.params");
        d.save(file);
        ParameterDict e = dense("dense0_");
        e.initialize(new Constant(0));
        Parameter w = e.parameter("dense0_weight");
        NDArray before = w.data();
        e.load(file);
        assertThat(e.parameter("dense0_weight")).isSameAs(w);
        assertThat(w.data()).isSameAs(before);
        assertThat(w.data().toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(e.parameter("dense0_bias").data().toDoubleArray()).containsExactly(0.5, 0.5);
    }

    @Test
    void saveStripsThePrefixAndRefusesNamesWithoutIt() {
        ParameterDict d = dense("dense0_");
        d.initialize(new Constant(1));
        d.parameter("dense0_bias").setData(NDArray.of(Shape.of(2), 1f, 1f));
        Path file = dir.resolve("s.params");
        d.save(file, "dense0_");
        ParameterDict e = dense("dense0_");
        e.load(file, LoadOptions.defaults().restorePrefix("dense0_"));
        assertThat(e.parameter("dense0_bias").data().toDoubleArray()).containsExactly(1, 1);
        assertThatThrownBy(() -> d.save(file, "other_")).hasMessageContaining("dense0_weight")
                .hasMessageContaining("other_");
    }

    @Test
    void missingAndUnexpectedKeysAreReportedTogether() {
        ParameterDict d = dense("dense0_");
        assertThatThrownBy(() -> d.loadDict(arrays("dense0_weight", range(2, 3), "dense1_bias", range(2)),
                LoadOptions.defaults()))
                .hasMessageContaining("missing from it (1): [dense0_bias]")
                .hasMessageContaining("matching no parameter (1): [dense1_bias]")
                .hasMessageContaining("allowMissing").hasMessageContaining("ignoreExtra");
        assertThat(d.parameter("dense0_weight").isInitialized()).isFalse();
    }

    @Test
    void allowMissingAndIgnoreExtraRelaxTheMatch() {
        ParameterDict d = dense("dense0_");
        d.loadDict(arrays("dense0_weight", range(2, 3), "dense1_bias", range(2)),
                LoadOptions.defaults().allowMissing(true).ignoreExtra(true));
        assertThat(d.parameter("dense0_weight").data().toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(d.parameter("dense0_bias").isInitialized()).isFalse();
    }

    @Test
    void argAndAuxPrefixesOfExportedFilesAreStripped() {
        ParameterDict d = dense("dense0_");
        d.loadDict(arrays("arg:dense0_weight", range(2, 3), "aux:dense0_bias", range(2)), LoadOptions.defaults());
        assertThat(d.parameter("dense0_bias").data().toDoubleArray()).containsExactly(1, 2);
    }

    @Test
    void keyMappingLoadsFilesFromDifferentlyNamedModels() {
        ParameterDict d = dense("resnet0_");
        d.loadDict(arrays("ssd0_weight", range(2, 3), "ssd0_bias", range(2), "ssd0_extra", range(1)),
                LoadOptions.defaults().keyMapping(k -> k.equals("ssd0_extra") ? null
                        : k.replaceFirst("^ssd0_", "resnet0_")));
        assertThat(d.parameter("resnet0_bias").data().toDoubleArray()).containsExactly(1, 2);
    }

    @Test
    void shapeMismatchFailsNamingParameterAndBothShapesAndChangesNothing() {
        ParameterDict d = dense("dense0_");
        d.initialize(new Constant(7));
        assertThatThrownBy(() -> d.loadDict(arrays("dense0_bias", range(2), "dense0_weight", range(3, 2)),
                LoadOptions.defaults()))
                .hasMessageContaining("dense0_weight").hasMessageContaining("(2, 3)").hasMessageContaining("(3, 2)");
        assertThat(d.parameter("dense0_bias").data().toDoubleArray()).containsExactly(0, 0);
    }

    @Test
    void dtypeMismatchFailsUnlessCastEitherWay() {
        NDArray w64 = range(2, 3).astype(DType.FLOAT64);
        NDArray b64 = range(2).astype(DType.FLOAT64);
        ParameterDict strict = dense("dense0_");
        assertThatThrownBy(() -> strict.loadDict(arrays("dense0_weight", w64, "dense0_bias", b64),
                LoadOptions.defaults())).hasMessageContaining("float64").hasMessageContaining("castDtype");

        ParameterDict current = dense("dense0_");
        current.loadDict(arrays("dense0_weight", w64, "dense0_bias", b64),
                LoadOptions.defaults().castDtype(LoadOptions.DtypeSource.CURRENT));
        assertThat(current.parameter("dense0_weight").data().dtype()).isEqualTo(DType.FLOAT32);

        ParameterDict saved = dense("dense0_");
        saved.loadDict(arrays("dense0_weight", w64, "dense0_bias", b64),
                LoadOptions.defaults().castDtype(LoadOptions.DtypeSource.SAVED));
        assertThat(saved.parameter("dense0_weight").dtype()).isEqualTo(DType.FLOAT64);
        assertThat(saved.parameter("dense0_weight").data().dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void loadingCompletesDeferredParametersInPlaceWithTheFilesShape() {
        ParameterDict d = new ParameterDict("dense0_");
        Parameter w = d.get("weight", ParameterSpec.of().shape(2, 0).allowDeferredInit(true));
        d.initialize(new Constant(1));
        assertThat(w.isDeferred()).isTrue();
        d.loadDict(arrays("dense0_weight", range(2, 3)), LoadOptions.defaults());
        assertThat(d.parameter("dense0_weight")).isSameAs(w);
        assertThat(w.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(w.data().toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(w.grad().toDoubleArray()).containsExactly(0, 0, 0, 0, 0, 0);
    }

    @Test
    void loadingInitialisesParametersNeverInitialised() {
        ParameterDict d = dense("dense0_");
        d.loadDict(arrays("dense0_weight", range(2, 3), "dense0_bias", range(2)), LoadOptions.defaults());
        assertThat(d.parameter("dense0_weight").isInitialized()).isTrue();
        assertThat(d.parameter("dense0_weight").grad().shape()).isEqualTo(Shape.of(2, 3));
    }
}
