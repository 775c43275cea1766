package dev.kiln.io;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpyTest {
    @TempDir
    Path dir;

    /** A fixture written by make_fixtures.py with numpy. */
    static Path fixture(Path dir, String name) throws IOException {
        try (InputStream in = NpyTest.class.getResourceAsStream("/dev/kiln/io/" + name)) {
            Path p = dir.resolve(name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    private NDArray readFixture(String name) throws IOException {
        return Npy.read(fixture(dir, name));
    }

    @Test
    void readsFloat32WrittenByNumpy() throws IOException {
        assertThat(readFixture("f4_2x3.npy")).hasShape(2, 3).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {1.5, -2, 3, 4, 5.25, -6}, 0, 0);
    }

    @Test
    void readsBigEndianData() throws IOException {
        assertThat(readFixture("f8_big_endian.npy")).hasDType(DType.FLOAT64).isCloseTo(new double[] {1, -0.5, 1e300}, 0, 0);
        assertThat(readFixture("i4_big_endian.npy")).hasShape(2, 2).hasDType(DType.INT32)
                .isCloseTo(new double[] {1, -2, 70000, -2147483648.0}, 0, 0);
    }

    @Test
    void readsEverySupportedDType() throws IOException {
        assertThat(readFixture("f2.npy")).hasDType(DType.FLOAT16).isCloseTo(new double[] {0.0999755859375, -2, 65504}, 0, 0);
        assertThat(readFixture("i1.npy")).hasDType(DType.INT8).isCloseTo(new double[] {-128, 0, 127}, 0, 0);
        assertThat(readFixture("u1.npy")).hasDType(DType.UINT8).isCloseTo(new double[] {0, 200, 255}, 0, 0);
        assertThat(readFixture("i8.npy").toLongArray()).containsExactly(1L << 62, -1, 0);
        assertThat(readFixture("b1.npy")).hasDType(DType.BOOL).isCloseTo(new double[] {1, 0, 1}, 0, 0);
    }

    @Test
    void readsZeroDimensionalAndZeroSizeArrays() throws IOException {
        assertThat(readFixture("scalar_f8.npy")).hasShape().hasDType(DType.FLOAT64).isCloseTo(new double[] {3.25}, 0, 0);
        assertThat(readFixture("empty_0x3.npy")).hasShape(0, 3).hasDType(DType.FLOAT32);
    }

    @Test
    void convertsFortranOrderToRowMajor() throws IOException {
        // np.asfortranarray(np.arange(6).reshape(3, 2))
        assertThat(readFixture("fortran_3x2.npy")).hasShape(3, 2).isCloseTo(new double[] {0, 1, 2, 3, 4, 5}, 0, 0);
    }

    @Test
    void readsFormatVersionsTwoAndThree() throws IOException {
        assertThat(readFixture("v2_header.npy")).isCloseTo(new double[] {0, 1, 2, 3}, 0, 0);
        assertThat(readFixture("v3_header.npy")).hasDType(DType.INT64).isCloseTo(new double[] {0, 1, 2}, 0, 0);
    }

    @Test
    void writesTheSameBytesAsNumpy() throws IOException {
        NDArray a = NDArray.of(Shape.of(2, 3), DType.FLOAT32, 1.5, -2, 3, 4, 5.25, -6);
        byte[] numpy = Files.readAllBytes(fixture(dir, "f4_2x3.npy"));
        assertThat(Npy.toBytes(a)).isEqualTo(numpy);
    }

    @Test
    void roundTripsEveryDTypeThroughAFile() {
        for (DType t : DType.values()) {
            NDArray a = NDArray.of(Shape.of(2, 2), t, 0, 1, -1, 2.5);
            Path p = dir.resolve(t + ".npy");
            Npy.write(p, a);
            NDArray b = Npy.read(p);
            DType expected = t == DType.BFLOAT16 ? DType.FLOAT32 : t;
            assertThat(b).as(t.toString()).hasShape(2, 2).hasDType(expected).isCloseTo(a.toDoubleArray(), 0, 0);
        }
    }

    @Test
    void roundTripsScalarsEmptyArraysAndLargeArrays() {
        NDArray scalar = NDArray.of(Shape.scalar(), DType.INT64, 42);
        assertThat(Npy.read(Npy.toBytes(scalar), "scalar")).hasShape().isEqualTo(scalar);
        NDArray empty = NDArray.zeros(Shape.of(3, 0, 2), DType.FLOAT64, dev.kiln.ndarray.Device.cpu());
        assertThat(Npy.read(Npy.toBytes(empty), "empty")).hasShape(3, 0, 2).hasDType(DType.FLOAT64);
        float[] big = new float[20_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f;
        }
        NDArray large = NDArray.wrap(Shape.of(100, 200), big.clone());
        assertThat(Npy.read(Npy.toBytes(large), "large")).isEqualTo(large);
    }

    @Test
    void headersAreSixtyFourByteAligned() {
        byte[] b = Npy.toBytes(NDArray.zeros(3));
        int headerLen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertThat((10 + headerLen) % 64).isZero();
        assertThat(b[10 + headerLen - 1]).isEqualTo((byte) '\n');
    }

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path p = dir.resolve("a.npy");
        Npy.write(p, NDArray.ones(2));
        Npy.write(p, NDArray.zeros(3));
        assertThat(Npy.read(p)).hasShape(3);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("a.npy");
        }
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path p = dir.resolve("keep.npy");
        Npy.write(p, NDArray.ones(2));
        NDArray broken = NDArray.wrap(Shape.of(2), DType.FLOAT32, dev.kiln.ndarray.Device.cpu(), new float[2]);
        assertThatThrownBy(() -> Npy.write(dir.resolve("missing/dir/x.npy"), broken))
                .isExactlyInstanceOf(KilnException.class).hasMessageContaining("x.npy");
        assertThat(Npy.read(p)).isCloseTo(new double[] {1, 1}, 0, 0);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("keep.npy");
        }
    }

    // ---- damaged and hostile inputs ----

    private static byte[] npy(String dict, byte[] data) {
        return npy(1, dict, data);
    }

    private static byte[] npy(int major, String dict, byte[] data) {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Npy.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }

    private static void assertRejected(byte[] bytes, String... fragments) {
        var t = assertThatThrownBy(() -> Npy.read(bytes, "bad.npy")).isExactlyInstanceOf(FileFormatException.class)
                .hasMessageContaining("bad.npy");
        for (String f : fragments) {
            t.hasMessageContaining(f);
        }
    }

    @Test
    void rejectsTruncatedFiles() {
        byte[] good = Npy.toBytes(NDArray.ones(10));
        assertRejected(Arrays.copyOf(good, good.length - 1), "truncated", "40");
        assertRejected(Arrays.copyOf(good, 5), "truncated");
        assertRejected(Arrays.copyOf(good, 9), "truncated");
        assertRejected(Arrays.copyOf(good, 30), "header length");
    }

    @Test
    void rejectsHugeDeclaredShapesBeforeAllocating() {
        String base = "{'descr': '<f8', 'fortran_order': False, 'shape': ";
        assertRejected(npy(base + "(100000000,), }", new byte[16]), "needs 800000000 data bytes", "16");
        assertRejected(npy(base + "(4000000000,), }", new byte[0]), "larger than a Java array");
        assertRejected(npy(base + "(60000, 60000, 60000), }", new byte[0]), "more elements");
        assertRejected(npy(base + "(99999999999999999999,), }", new byte[0]), "too large");
    }

    @Test
    void rejectsBadMagicAndVersions() {
        byte[] good = Npy.toBytes(NDArray.ones(2));
        byte[] magic = good.clone();
        magic[1] = 'X';
        assertRejected(magic, "magic");
        byte[] version = good.clone();
        version[6] = 9;
        assertRejected(version, "version 9.0");
        assertRejected("PK\u0003\u0004 this is a zip".getBytes(StandardCharsets.ISO_8859_1), "magic");
    }

    @Test
    void rejectsHeaderLengthsBeyondTheFile() {
        byte[] b = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7FFFFFF0);
        assertRejected(b, "header length 2147483632");
    }

    @Test
    void rejectsBadHeaderDicts() {
        assertRejected(npy("{'descr': '<f4', 'fortran_order': False}", new byte[0]), "header keys");
        assertRejected(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': True}", new byte[8]),
                "header keys");
        assertRejected(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]),
                "unsupported dtype '<c8'");
        assertRejected(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]),
                "structured");
        assertRejected(npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", new byte[4]), "bad header");
        assertRejected(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new byte[4]), "integer");
        assertRejected(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", new byte[4]),
                "after the header");
        assertRejected(npy("{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }", new byte[4]), "bad header");
        assertRejected(npy("not a dict", new byte[0]), "expected '{'");
        assertRejected(npy("", new byte[0]), "ends early");
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[12]);
        assertRejected(b, "needs 4 data bytes but 12 follow");
    }

    @Test
    void missingFileIsAKilnException() {
        assertThatThrownBy(() -> Npy.read(dir.resolve("none.npy"))).isExactlyInstanceOf(KilnException.class)
                .hasMessageContaining("none.npy");
    }
}
