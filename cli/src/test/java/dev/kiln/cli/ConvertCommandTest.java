package dev.kiln.cli;

import dev.kiln.io.NDArrayFile;
import dev.kiln.io.Npy;
import dev.kiln.io.Npz;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kiln convert}: round trips keep keys, order, dtypes, shapes and element bytes. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    /** One array of every dtype NumPy and MXNet files share, in several shapes, including a 0-d one. */
    static Map<String, NDArray> everyDtype() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("f32", NDArray.of(Shape.of(2, 3), DType.FLOAT32, 1.5, -2, 3.25, 0, 1e-8, -7));
        m.put("f64", NDArray.of(Shape.of(3), DType.FLOAT64, Math.PI, -1e300, 0.1));
        m.put("f16", NDArray.of(Shape.of(1, 2, 2), DType.FLOAT16, 0.5, -65504, 1.0 / 3, 7));
        m.put("u8", NDArray.of(Shape.of(4), DType.UINT8, 0, 1, 128, 255));
        m.put("i8", NDArray.of(Shape.of(2, 2), DType.INT8, -128, -1, 0, 127));
        m.put("i32", NDArray.of(Shape.of(2), DType.INT32, Integer.MIN_VALUE, Integer.MAX_VALUE));
        m.put("i64", NDArray.of(Shape.of(2), DType.INT64, -5e15, 9e15));
        m.put("b", NDArray.of(Shape.of(3), DType.BOOL, 1, 0, 1));
        m.put("empty", NDArray.of(Shape.of(0, 3), DType.FLOAT32));
        return m;
    }

    private static void assertSameArrays(Map<String, NDArray> actual, Map<String, NDArray> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (String k : expected.keySet()) {
            NDArray a = actual.get(k);
            NDArray e = expected.get(k);
            assertThat(a.dtype()).as(k).isEqualTo(e.dtype());
            assertThat(a.shape()).as(k).isEqualTo(e.shape());
            assertThat(Npy.toBytes(a)).as(k).isEqualTo(Npy.toBytes(e));
        }
    }

    @Test
    void paramsToNpzAndBackKeepsKeysDtypesShapesAndBytes() throws IOException {
        Path params = dir.resolve("all.params");
        NDArrayFile.save(params, everyDtype());
        Path npz = dir.resolve("all.npz");
        Kiln r = Kiln.run("convert", params, npz);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + npz + ": 9 arrays");
        assertSameArrays(Npz.read(npz), everyDtype());

        Path back = dir.resolve("back.params");
        assertThat(Kiln.run("convert", npz, back).status()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(params));
    }

    @Test
    void npzToParamsKeepsTheArchiveOrder() {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put("zeta", NDArray.of(Shape.of(2), DType.FLOAT32, 1, 2));
        arrays.put("alpha", NDArray.of(Shape.of(1), DType.INT64, 3));
        Path npz = dir.resolve("ordered.npz");
        Npz.write(npz, arrays);
        Path params = dir.resolve("ordered.params");
        assertThat(Kiln.run("convert", npz, params).status()).isZero();
        NDArrayFile.Contents c = NDArrayFile.load(params);
        assertThat(c.keys()).containsExactly("zeta", "alpha");
        assertSameArrays(c.asMap(), arrays);
    }

    @Test
    void zeroDimensionalArraysSurviveBothWays() {
        Map<String, NDArray> arrays = Map.of("s", NDArray.of(Shape.scalar(), DType.FLOAT64, 2.5));
        Path npz = dir.resolve("scalar.npz");
        Npz.write(npz, arrays);
        Path params = dir.resolve("scalar.params");
        assertThat(Kiln.run("convert", npz, params).status()).isZero();
        assertSameArrays(NDArrayFile.loadDict(params), arrays);
        Path again = dir.resolve("again.npz");
        assertThat(Kiln.run("convert", params, again).status()).isZero();
        assertSameArrays(Npz.read(again), arrays);
    }

    @Test
    void listParamsGetNumPyPositionalKeys() {
        Path params = dir.resolve("list.params");
        NDArray a = NDArray.of(Shape.of(2), DType.FLOAT32, 1, 2);
        NDArray b = NDArray.of(Shape.of(1, 1), DType.INT32, 7);
        NDArrayFile.save(params, List.of(a, b));
        Path npz = dir.resolve("list.npz");
        assertThat(Kiln.run("convert", params, npz).status()).isZero();
        Map<String, NDArray> expected = new LinkedHashMap<>();
        expected.put("arr_0", a);
        expected.put("arr_1", b);
        assertSameArrays(Npz.read(npz), expected);
    }

    @Test
    void npyRoundTripsThroughParamsAsAnUnnamedArray() throws IOException {
        Path npy = dir.resolve("x.npy");
        Npy.write(npy, NDArray.of(Shape.of(2, 2), DType.FLOAT16, 1, -2, 0.25, 1000));
        Path params = dir.resolve("x.params");
        assertThat(Kiln.run("convert", npy, params).status()).isZero();
        NDArrayFile.Contents c = NDArrayFile.load(params);
        assertThat(c.keys()).isEmpty();
        assertThat(c.arrays()).hasSize(1);
        Path back = dir.resolve("back.npy");
        assertThat(Kiln.run("convert", params, back).status()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(npy));
    }

    @Test
    void severalArraysCannotBecomeOneNpy() {
        Path npz = dir.resolve("two.npz");
        Npz.write(npz, Map.of("a", NDArray.ones(2), "b", NDArray.ones(3)));
        Kiln r = Kiln.run("convert", npz, dir.resolve("one.npy"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("a .npy file holds exactly one array, got 2").hasLineCount(1);
        assertThat(dir.resolve("one.npy")).doesNotExist();
    }

    @Test
    void bfloat16IsRefusedForNumPyFilesInsteadOfWidened() {
        Path params = dir.resolve("bf.params");
        NDArrayFile.save(params, Map.of("w", NDArray.of(Shape.of(2), DType.BFLOAT16, 1, 2)));
        Kiln r = Kiln.run("convert", params, dir.resolve("bf.npz"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("'w' is bfloat16").hasLineCount(1);
        assertThat(dir.resolve("bf.npz")).doesNotExist();
    }

    @Test
    void convertingOverAnExistingFileReplacesItWholly() throws IOException {
        Path out = dir.resolve("out.npz");
        Files.writeString(out, "old contents");
        Path params = dir.resolve("in.params");
        NDArrayFile.save(params, Map.of("k", NDArray.ones(2, 2)));
        assertThat(Kiln.run("convert", params, out).status()).isZero();
        assertSameArrays(Npz.read(out), Map.of("k", NDArray.ones(2, 2)));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("out.npz", "in.params");
        }
    }
}
