package dev.kiln.conformance;

import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kiln's {@code .params} files against MXNet 1.9's {@code MXNDArraySave}/{@code MXNDArrayLoad}: each library loads
 * the other's files with the same keys, shapes, dtypes and element bits, and for the same arrays and keys both write
 * the same bytes. Covered: dict and list files, every Kiln dtype, zero-size shapes, and 0-d arrays (NumPy-shape
 * mode, V3 records).
 */
class NDArrayFileConformanceTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    /** One file's worth of arrays: keys (null for a list file) and whether MXNet must run in NumPy-shape mode. */
    private record Scenario(String name, List<String> keys, List<NDArray> arrays, boolean numpyShape) {
        Map<String, NDArray> asMap() {
            Map<String, NDArray> m = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                m.put(keys.get(i), arrays.get(i));
            }
            return m;
        }
    }

    /** Distinct, exactly representable values for every dtype (bool alternates). */
    private static NDArray sample(Shape shape, DType t, int salt) {
        NDArray a = NDArray.zeros(shape, t, Device.cpu());
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, t == DType.BOOL ? (i + salt) % 2 : ((i * 7 + salt) % 11 - 5) * (t.isFloating() ? 0.75 : 1));
        }
        return a;
    }

    private static List<Scenario> scenarios() {
        List<String> keys = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        int salt = 0;
        for (DType t : DType.values()) {
            keys.add("arg:dense0_" + t);
            arrays.add(sample(Shape.of(2, 3), t, salt++));
        }
        keys.add("aux:running_mean");
        arrays.add(sample(Shape.of(1), DType.FLOAT32, 3));
        keys.add("empty");
        arrays.add(sample(Shape.of(0), DType.FLOAT32, 0));
        keys.add("rows_of_nothing");
        arrays.add(sample(Shape.of(2, 0), DType.INT64, 0));
        keys.add("gewicht_\u00e4");
        arrays.add(sample(Shape.of(2, 3, 4), DType.FLOAT64, 5));
        keys.add("extremes");
        arrays.add(NDArray.wrap(Shape.of(2), DType.INT64, Device.cpu(), new long[] {Long.MIN_VALUE, Long.MAX_VALUE}));

        List<NDArray> npArrays = List.of(NDArray.scalar(3.25), sample(Shape.of(0), DType.INT32, 0),
                sample(Shape.scalar(), DType.FLOAT16, 1), sample(Shape.of(2, 0, 3), DType.BOOL, 0),
                sample(Shape.of(3), DType.UINT8, 2));
        return List.of(
                new Scenario("dict of every dtype", keys, arrays, false),
                new Scenario("list of every dtype", null, arrays, false),
                new Scenario("list with 0-d arrays", null, npArrays, true),
                new Scenario("dict with 0-d arrays", List.of("s", "e", "h", "b", "u"), npArrays, true));
    }

    private Path kilnSave(Scenario s) {
        Path p = dir.resolve("kiln-" + s.name().replace(' ', '_') + ".params");
        if (s.keys() == null) {
            NDArrayFile.save(p, s.arrays());
        } else {
            NDArrayFile.save(p, s.asMap());
        }
        return p;
    }

    private Path mxnetSave(MXNet mx, Scenario s) {
        Path p = dir.resolve("mxnet-" + s.name().replace(' ', '_') + ".params");
        boolean prev = mx.setNumpyShape(s.numpyShape());
        try {
            mx.save(p, s.keys(), s.arrays());
        } finally {
            mx.setNumpyShape(prev);
        }
        return p;
    }

    private static MXNet.Loaded mxnetLoad(MXNet mx, Path p, boolean numpyShape) {
        boolean prev = mx.setNumpyShape(numpyShape);
        try {
            return mx.load(p);
        } finally {
            mx.setNumpyShape(prev);
        }
    }

    private static void assertSameArrays(String what, List<NDArray> actual, List<NDArray> expected) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            NDArray a = actual.get(i);
            NDArray e = expected.get(i);
            assertThat(a.shape()).as(what + " array " + i + " shape").isEqualTo(e.shape());
            assertThat(a.dtype()).as(what + " array " + i + " dtype").isEqualTo(e.dtype());
            assertThat(a.data()).as(what + " array " + i + " elements").isEqualTo(e.data());
        }
    }

    @Test
    void filesKilnWritesLoadInMXNetWithTheSameKeysShapesDTypesAndValues() {
        MXNet mx = MXNet.get();
        for (Scenario s : scenarios()) {
            MXNet.Loaded loaded = mxnetLoad(mx, kilnSave(s), s.numpyShape());
            assertThat(loaded.names()).as(s.name()).isEqualTo(s.keys() == null ? List.of() : s.keys());
            assertSameArrays(s.name(), loaded.arrays(), s.arrays());
        }
    }

    @Test
    void filesMXNetWritesLoadInKilnWithTheSameKeysShapesDTypesAndValues() {
        MXNet mx = MXNet.get();
        for (Scenario s : scenarios()) {
            NDArrayFile.Contents c = NDArrayFile.load(mxnetSave(mx, s));
            assertThat(c.keys()).as(s.name()).isEqualTo(s.keys() == null ? List.of() : s.keys());
            assertSameArrays(s.name(), c.arrays(), s.arrays());
        }
    }

    @Test
    void kilnAndMXNetWriteIdenticalBytesForTheSameArraysAndKeys() throws IOException {
        MXNet mx = MXNet.get();
        for (Scenario s : scenarios()) {
            byte[] mxnet = Files.readAllBytes(mxnetSave(mx, s));
            byte[] kiln = Files.readAllBytes(kilnSave(s));
            assertThat(kiln).as(s.name() + " (" + kiln.length + " vs " + mxnet.length + " bytes)").isEqualTo(mxnet);
        }
    }

    @Test
    void mxnetRefusesAV3FileOutsideNumpyShapeModeWhichIsWhyKilnWritesV3OnlyForZeroDimensionalArrays() {
        MXNet mx = MXNet.get();
        Path v3 = dir.resolve("scalar.params");
        NDArrayFile.save(v3, List.of(NDArray.scalar(1), NDArray.ones(2)));
        assertThatThrownBy(() -> mxnetLoad(mx, v3, false)).isInstanceOf(MXNetException.class)
                .hasMessageContaining("np shape semantics");
        Path v2 = dir.resolve("plain.params");
        NDArrayFile.save(v2, List.of(NDArray.ones(2)));
        assertThat(mxnetLoad(mx, v2, false).arrays()).hasSize(1);
    }
}
