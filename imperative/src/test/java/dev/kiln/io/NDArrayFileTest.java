package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MXNet NDArray file: exact bytes written, every dtype and odd shape round-tripped, legacy records read. */
class NDArrayFileTest {
    @TempDir
    Path dir;

    /** Writes to a stream; may throw {@link IOException}. */
    private interface StreamWriter {
        void writeTo(ByteArrayOutputStream out) throws IOException;
    }

    private static byte[] bytes(StreamWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] bytesOf(Map<String, NDArray> arrays) {
        return bytes(out -> NDArrayFile.write(out, arrays));
    }

    static byte[] bytesOf(List<NDArray> arrays) {
        return bytes(out -> NDArrayFile.write(out, arrays));
    }

    /** A fixture written by make_params_fixtures.py from the published layout. */
    static byte[] fixture(String name) {
        try (InputStream in = NDArrayFileTest.class.getResourceAsStream("/dev/kiln/io/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NDArray array(Shape shape, DType t, Object data) {
        return NDArray.wrap(shape, t, Device.cpu(), data);
    }

    /** The arrays of params_every_dtype.params, built here from the same values. */
    static Map<String, NDArray> everyDType() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("arg:w", NDArray.of(Shape.of(2, 3), 1.5f, -2, 3, 4, 5.25f, -6));
        m.put("arg:f8", array(Shape.of(2), DType.FLOAT64, new double[] {1e300, -0.5}));
        m.put("arg:f2", NDArray.of(Shape.of(3), DType.FLOAT16, 0.1, -2, 65504));
        m.put("aux:u1", NDArray.of(Shape.of(3), DType.UINT8, 0, 200, 255));
        m.put("aux:i1", NDArray.of(Shape.of(3), DType.INT8, -128, 0, 127));
        m.put("i4", array(Shape.of(2, 1), DType.INT32, new int[] {7, -70000}));
        m.put("i8", array(Shape.of(3), DType.INT64, new long[] {1L << 62, -1, 0}));
        m.put("b", NDArray.of(Shape.of(3), DType.BOOL, 1, 0, 1));
        m.put("bf16", NDArray.of(Shape.of(3), DType.BFLOAT16, 1.0, -2.5, 3.140625));
        m.put("empty", NDArray.zeros(2, 0));
        m.put("zero_len", NDArray.zeros(Shape.of(0), DType.INT32, Device.cpu()));
        m.put("single", array(Shape.of(1), DType.INT64, new long[] {42}));
        return m;
    }

    @Test
    void writesTheDocumentedBytesForAFloat32Dict() {
        byte[] expected = new LittleEndianBytes().header(1)
                .raw(0xc9, 0xfa, 0x93, 0xf9).i32(0).i32(2).i64(2, 3).i32(1, 0).i32(0)
                .f32(1, 2, 3, 4, 5, 6)
                .i64(1).i64(5).raw('a', 'r', 'g', ':', 'w').array();
        assertThat(expected).hasSize(109);
        assertThat(bytesOf(Map.of("arg:w", NDArray.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6)))).isEqualTo(expected);
    }

    @Test
    void writesTheSameBytesAsTheIndependentFixtureForEveryDType() {
        assertThat(bytesOf(everyDType())).isEqualTo(fixture("params_every_dtype.params"));
    }

    @Test
    void writesEveryRecordAsV3WhenAnyArrayIsZeroDimensional() {
        List<NDArray> arrays = List.of(NDArray.scalar(3.25),
                array(Shape.of(2, 3, 1), DType.INT64, new long[] {0, 1, 2, 3, 4, 5}),
                NDArray.zeros(Shape.of(2, 0), DType.FLOAT64, Device.cpu()));
        assertThat(bytesOf(arrays)).isEqualTo(fixture("params_v3_list.params"));

        byte[] scalarOnly = new LittleEndianBytes().header(1)
                .i32(0xF993FACAL, 0, 0).i32(1, 0, 6).i64(-7).i64(0).array();
        assertThat(bytesOf(List.of(array(Shape.scalar(), DType.INT64, new long[] {-7}))))
                .isEqualTo(scalarOnly);
    }

    @Test
    void anEmptyMapAndAnEmptyListWriteTheSameFile() {
        byte[] expected = new LittleEndianBytes().header(0).i64(0).array();
        assertThat(bytesOf(Map.of())).isEqualTo(expected);
        assertThat(bytesOf(List.of())).isEqualTo(expected);
        NDArrayFile.Contents c = NDArrayFile.read(expected, "empty");
        assertThat(c.isDict()).isTrue();
        assertThat(c.asMap()).isEmpty();
    }

    @Test
    void readsTheFixtureOfEveryDTypeExactly() {
        NDArrayFile.Contents c = NDArrayFile.read(fixture("params_every_dtype.params"), "every");
        Map<String, NDArray> expected = everyDType();
        assertThat(c.keys()).containsExactlyElementsOf(expected.keySet());
        for (var e : expected.entrySet()) {
            NDArray got = c.asMap().get(e.getKey());
            assertThat(got).as(e.getKey()).hasShape(e.getValue().shape()).hasDType(e.getValue().dtype());
            assertThat(got.data()).as(e.getKey()).isEqualTo(e.getValue().data());
            assertThat(got.device()).isEqualTo(Device.cpu());
        }
    }

    @Test
    void roundTripsEveryDTypeAndShapeThroughAFile() {
        Map<String, NDArray> in = new LinkedHashMap<>();
        for (DType t : DType.values()) {
            for (Shape s : List.of(Shape.of(1), Shape.of(0), Shape.of(2, 0), Shape.scalar(), Shape.of(2, 3, 4))) {
                NDArray a = NDArray.zeros(s, t, Device.cpu());
                for (int i = 0; i < a.size(); i++) {
                    a.setDouble(i, t == DType.BOOL ? i % 2 : (i * 7) % 11 - 5);
                }
                in.put(t + "/" + s, a);
            }
        }
        in.put("int64 extremes", array(Shape.of(2), DType.INT64, new long[] {Long.MIN_VALUE, Long.MAX_VALUE}));
        in.put("float specials", NDArray.of(Shape.of(4), Float.NaN, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE));
        Path p = dir.resolve("all.params");
        NDArrayFile.save(p, in);
        Map<String, NDArray> out = NDArrayFile.loadDict(p);
        assertThat(out.keySet()).containsExactlyElementsOf(in.keySet());
        for (String k : in.keySet()) {
            assertThat(out.get(k)).as(k).hasShape(in.get(k).shape()).hasDType(in.get(k).dtype());
            assertThat(out.get(k).data()).as(k).isEqualTo(in.get(k).data());
        }
    }

    @Test
    void listFilesRoundTripWithoutKeys() {
        Path p = dir.resolve("list.params");
        NDArrayFile.save(p, List.of(NDArray.ones(2), NDArray.of(Shape.of(1), DType.INT8, -3)));
        NDArrayFile.Contents c = NDArrayFile.load(p);
        assertThat(c.keys()).isEmpty();
        assertThat(c.isDict()).isFalse();
        assertThat(c.arrays()).hasSize(2);
        assertThat(c.arrays().get(1)).hasDType(DType.INT8).isCloseTo(new double[] {-3}, 0, 0);
        assertThatThrownBy(c::asMap).isInstanceOf(KilnException.class).hasMessageContaining("without keys");
        assertThatThrownBy(() -> NDArrayFile.loadDict(p)).isInstanceOf(KilnException.class)
                .hasMessageContaining("list.params").hasMessageContaining("list of 2 arrays");
    }

    @Test
    void arraysOnOtherDevicesAreWrittenFromTheirContentsAsCpu() {
        NDArray onGpu = NDArray.of(Shape.of(2), 1, 2).copyTo(Device.gpu(1));
        assertThat(bytesOf(Map.of("x", onGpu))).isEqualTo(bytesOf(Map.of("x", NDArray.of(Shape.of(2), 1, 2))));
    }

    @Test
    void theDeviceInTheFileIsIgnoredOnLoad() {
        NDArrayFile.Contents c = NDArrayFile.read(fixture("params_gpu_device.params"), "gpu");
        assertThat(c.arrays().get(0).device()).isEqualTo(Device.cpu());
        assertThat(c.arrays().get(0)).isCloseTo(new double[] {1, 2}, 0, 0);
    }

    @Test
    void readsLegacyV0Records() {
        NDArrayFile.Contents c = NDArrayFile.read(fixture("params_legacy_v0.params"), "v0");
        assertThat(c.keys()).isEmpty();
        assertThat(c.arrays().get(0)).hasShape(4).hasDType(DType.FLOAT32).isCloseTo(new double[] {0, 1, 2, 3}, 0, 0);
        assertThat(c.arrays().get(1)).hasShape(2, 1).hasDType(DType.INT64);
        assertThat(c.arrays().get(1).toLongArray()).containsExactly(9, -9);

        // the same layout as MXNet's own legacy_ndarray.v0 test file: six arange(128) float32 records, no keys
        LittleEndianBytes six = new LittleEndianBytes().header(6);
        float[] arange = new float[128];
        for (int i = 0; i < 128; i++) {
            arange[i] = i;
        }
        for (int r = 0; r < 6; r++) {
            six.i32(1, 128).i32(1, 0, 0).f32(arange);
        }
        byte[] bytes = six.i64(0).array();
        assertThat(bytes).hasSize(3224);
        NDArrayFile.Contents sixArrays = NDArrayFile.read(bytes, "legacy_ndarray.v0");
        assertThat(sixArrays.arrays()).hasSize(6).allSatisfy(a -> assertThat(a.floatData()).isEqualTo(arange));
    }

    @Test
    void readsLegacyV1Records() {
        NDArrayFile.Contents c = NDArrayFile.read(fixture("params_legacy_v1.params"), "v1");
        assertThat(c.keys()).containsExactly("legacy");
        assertThat(c.arrays().get(0)).hasShape(1, 3).hasDType(DType.INT32).isCloseTo(new double[] {1, 2, 3}, 0, 0);
    }

    @Test
    void boolBytesOtherThanOneReadAsTrue() {
        byte[] bytes = new LittleEndianBytes().header(1).v2(7, 3).raw(0, 2, 255).i64(0).array();
        assertThat(NDArrayFile.read(bytes, "b").arrays().get(0).data()).isEqualTo(new byte[] {0, 1, 1});
    }

    @Test
    void saveReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path p = dir.resolve("a.params");
        NDArrayFile.save(p, Map.of("a", NDArray.ones(2)));
        NDArrayFile.save(p, Map.of("b", NDArray.zeros(3)));
        assertThat(NDArrayFile.loadDict(p)).containsOnlyKeys("b");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("a.params");
        }
    }

    @Test
    void keysAreWrittenAsUtf8InMapOrder() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("z\u00e9", NDArray.ones(1));
        m.put("a", NDArray.ones(1));
        NDArrayFile.Contents c = NDArrayFile.read(bytesOf(m), "utf8");
        assertThat(c.keys()).containsExactly("z\u00e9", "a");
        byte[] b = bytesOf(Map.of("\u00e9", NDArray.zeros(Shape.of(0), DType.INT8, Device.cpu())));
        byte[] expectedKey = new LittleEndianBytes().i64(1).i64(2).raw(0xc3, 0xa9).array();
        assertThat(java.util.Arrays.copyOfRange(b, b.length - 18, b.length)).isEqualTo(expectedKey);
    }
}
