package dev.kiln.io;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpzTest {
    @TempDir
    Path dir;

    @Test
    void readsStoredNpzFromNumpyInOrder() throws IOException {
        // np.savez(..., weight=arange(6).reshape(2, 3) f4, bias=[1, 2] i8, alpha=0.5 f4)
        Map<String, NDArray> m = Npz.read(NpyTest.fixture(dir, "stored.npz"));
        assertThat(m.keySet()).containsExactly("weight", "bias", "alpha");
        assertThat(m.get("weight")).hasShape(2, 3).isCloseTo(new double[] {0, 1, 2, 3, 4, 5}, 0, 0);
        assertThat(m.get("bias")).hasDType(DType.INT64).isCloseTo(new double[] {1, 2}, 0, 0);
        assertThat(m.get("alpha")).hasShape().isCloseTo(new double[] {0.5}, 0, 0);
    }

    @Test
    void readsDeflatedNpzFromNumpy() throws IOException {
        Map<String, NDArray> m = Npz.read(NpyTest.fixture(dir, "deflated.npz"));
        assertThat(m.keySet()).containsExactly("zeta", "beta");
        assertThat(m.get("zeta")).hasShape(100).hasDType(DType.FLOAT64).isCloseTo(new double[100], 0, 0);
        assertThat(m.get("beta")).hasDType(DType.BOOL).isCloseTo(new double[] {1, 0}, 0, 0);
    }

    @Test
    void roundTripsEveryDTypeStoredAndDeflated() {
        Map<String, NDArray> in = new LinkedHashMap<>();
        for (DType t : DType.values()) {
            in.put("z_" + t, NDArray.of(Shape.of(3), t, 1, 0, -2));
        }
        in.put("a_scalar", NDArray.scalar(7));
        in.put("empty", NDArray.zeros(0, 4));
        for (boolean compressed : new boolean[] {false, true}) {
            Path p = dir.resolve("all" + compressed + ".npz");
            Npz.write(p, in, compressed);
            Map<String, NDArray> out = Npz.read(p);
            assertThat(out.keySet()).containsExactlyElementsOf(in.keySet());
            for (String k : in.keySet()) {
                NDArray a = in.get(k);
                DType t = a.dtype() == DType.BFLOAT16 ? DType.FLOAT32 : a.dtype();
                assertThat(out.get(k)).as(k).hasShape(a.shape()).hasDType(t).isCloseTo(a.toDoubleArray(), 0, 0);
            }
        }
    }

    @Test
    void rejectsKeysThatWouldEscapeTheArchiveOnWrite() {
        for (String key : new String[] {"../evil", "/abs", "a\\b", ""}) {
            assertThatThrownBy(() -> Npz.write(dir.resolve("x.npz"), Map.of(key, NDArray.ones(1))))
                    .isExactlyInstanceOf(KilnException.class).hasMessageContaining("entry name");
        }
        assertThat(dir.resolve("x.npz")).doesNotExist();
    }

    private Path zipWith(String name, byte[] content, boolean deflate) throws IOException {
        Path p = dir.resolve("crafted.npz");
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(os)) {
            ZipEntry e = new ZipEntry(name);
            if (!deflate) {
                e.setMethod(ZipEntry.STORED);
                e.setSize(content.length);
                e.setCompressedSize(content.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(content);
                e.setCrc(crc.getValue());
            }
            zip.putNextEntry(e);
            zip.write(content);
            zip.closeEntry();
        }
        return p;
    }

    @Test
    void rejectsEntryNamesEscapingTheArchive() throws IOException {
        byte[] ok = Npy.toBytes(NDArray.ones(1));
        for (String name : new String[] {"../evil.npy", "/etc/evil.npy", "a/../../b.npy", "C:evil.npy", "x\\y.npy"}) {
            Path p = zipWith(name, ok, true);
            assertThatThrownBy(() -> Npz.read(p)).isExactlyInstanceOf(FileFormatException.class)
                    .hasMessageContaining("entry name");
        }
        Path notNpy = zipWith("readme.txt", "hi".getBytes(StandardCharsets.UTF_8), true);
        assertThatThrownBy(() -> Npz.read(notNpy)).isExactlyInstanceOf(FileFormatException.class)
                .hasMessageContaining("readme.txt");
    }

    @Test
    void rejectsEntriesWhoseHeaderDeclaresAHugeShape() throws IOException {
        byte[] h = ("{'descr': '<f8', 'fortran_order': False, 'shape': (200000000,), }\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] entry = new byte[10 + h.length + 64];
        System.arraycopy(Npy.MAGIC, 0, entry, 0, 6);
        entry[6] = 1;
        entry[8] = (byte) h.length;
        System.arraycopy(h, 0, entry, 10, h.length);
        for (boolean deflate : new boolean[] {false, true}) {
            Path p = zipWith("big.npy", entry, deflate);
            assertThatThrownBy(() -> Npz.read(p)).isExactlyInstanceOf(FileFormatException.class)
                    .hasMessageContaining("big.npy").hasMessageContaining("1600000000 data bytes");
        }
    }

    @Test
    void refusesAnArchiveThatInflatesBeyondTheLimitBeforeInflatingIt() throws IOException {
        // 48 MiB of zeros deflate to about 48 KiB: a small zip bomb, within deflate's ratio but over the limit
        NDArray zeros = NDArray.zeros(Shape.of(48 << 20), DType.UINT8, dev.kiln.ndarray.Device.cpu());
        Path bomb = dir.resolve("bomb.npz");
        Npz.write(bomb, Map.of("z", zeros), true);
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        assertThatThrownBy(() -> Npz.read(bomb, 16 << 20)).isExactlyInstanceOf(FileFormatException.class)
                .hasMessageContaining("bomb.npz").hasMessageContaining("more than 16777216 bytes");
        assertThat(Npz.read(bomb, 64 << 20).get("z").shape()).isEqualTo(Shape.of(48 << 20));
        assertThat(Npz.defaultMaxBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    }

    @Test
    void rejectsTruncatedAndNonZipFiles() throws IOException {
        Path good = dir.resolve("g.npz");
        Npz.write(good, Map.of("a", NDArray.ones(100)), true);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> Npz.read(cut)).isExactlyInstanceOf(FileFormatException.class)
                .hasMessageContaining("cut.npz");
        Path garbage = dir.resolve("garbage.npz");
        Files.write(garbage, "definitely not a zip".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Npz.read(garbage)).isExactlyInstanceOf(FileFormatException.class)
                .hasMessageContaining("garbage.npz");
    }

    @Test
    void rejectsCorruptedCompressedData() throws IOException {
        Path good = dir.resolve("c.npz");
        Npz.write(good, Map.of("a", NDArray.ones(1000)), true);
        byte[] bytes = Files.readAllBytes(good);
        for (int i = 60; i < 80; i++) {
            bytes[i] ^= (byte) 0x5A;
        }
        Path bad = dir.resolve("corrupt.npz");
        Files.write(bad, bytes);
        assertThatThrownBy(() -> Npz.read(bad)).isExactlyInstanceOf(FileFormatException.class)
                .hasMessageContaining("corrupt.npz");
    }
}
