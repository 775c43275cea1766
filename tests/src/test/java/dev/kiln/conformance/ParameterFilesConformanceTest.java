package dev.kiln.conformance;

import dev.kiln.init.Normal;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parameter.LoadOptions;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.random.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ParameterDict files against MXNet 1.9: what {@code ParameterDict.save} writes, {@code mx.nd.load} reads with the
 * same names and values; an export-style file MXNet writes ({@code arg:}/{@code aux:} keys, another dtype) loads into
 * Kiln parameters, completing deferred ones in place.
 */
class ParameterFilesConformanceTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    private static ParameterDict model() {
        ParameterDict d = new ParameterDict("net0_");
        d.get("dense0_weight", ParameterSpec.of().shape(4, 3));
        d.get("dense0_bias", ParameterSpec.of().shape(4).init(new Normal(1)));
        d.get("bn0_running_var", ParameterSpec.of().shape(4).differentiable(false));
        return d;
    }

    @Test
    void mxnetLoadsWhatParameterDictSavesWithTheSameNamesAndValues() {
        Random.seed(3);
        ParameterDict d = model();
        d.initialize(new Normal(0.5));
        Path file = dir.resolve("net.params");
        d.save(file);
        MXNet.Loaded loaded = MXNet.get().load(file);
        assertThat(loaded.names()).containsExactly("net0_dense0_weight", "net0_dense0_bias", "net0_bn0_running_var");
        for (int i = 0; i < 3; i++) {
            assertThat(loaded.arrays().get(i).toDoubleArray())
                    .containsExactly(d.values().get(i).data().toDoubleArray());
        }
        assertThat(loaded.arrays().get(2).toDoubleArray()).containsOnly(1.0);

        d.save(file, "net0_");
        assertThat(MXNet.get().load(file).names()).containsExactly("dense0_weight", "dense0_bias", "bn0_running_var");
    }

    @Test
    void exportStyleFileWrittenByMXNetLoadsIntoDeferredParametersInPlace() {
        NDArray w = NDArray.of(Shape.of(4, 3), DType.FLOAT16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        NDArray b = NDArray.of(Shape.of(4), DType.FLOAT16, 0.5, -0.5, 1.5, -1.5);
        NDArray v = NDArray.of(Shape.of(4), DType.FLOAT16, 2, 2, 2, 2);
        Path file = dir.resolve("net-0000.params");
        MXNet.get().save(file, List.of("arg:net0_dense0_weight", "arg:net0_dense0_bias", "aux:net0_bn0_running_var"),
                List.of(w, b, v));

        ParameterDict d = new ParameterDict("net0_");
        Parameter weight = d.get("dense0_weight", ParameterSpec.of().shape(4, 0).allowDeferredInit(true));
        d.get("dense0_bias", ParameterSpec.of().shape(4));
        d.get("bn0_running_var", ParameterSpec.of().shape(4).differentiable(false));
        d.initialize(new Normal(1));
        assertThat(weight.isDeferred()).isTrue();
        d.load(file, LoadOptions.defaults().castDtype(LoadOptions.DtypeSource.CURRENT));
        assertThat(d.parameter("net0_dense0_weight")).isSameAs(weight);
        assertThat(weight.data().shape()).isEqualTo(Shape.of(4, 3));
        assertThat(weight.data().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(weight.data().toDoubleArray()).containsExactly(w.toDoubleArray());
        assertThat(d.parameter("net0_dense0_bias").data().toDoubleArray()).containsExactly(0.5, -0.5, 1.5, -1.5);
        assertThat(d.parameter("net0_bn0_running_var").data().toDoubleArray()).containsOnly(2.0);
    }
}
