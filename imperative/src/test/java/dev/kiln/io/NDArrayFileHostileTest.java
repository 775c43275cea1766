package dev.kiln.io;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Damaged and hostile NDArray files fail with a {@link FileFormatException} naming the file, the record and the fault. */
class NDArrayFileHostileTest {
    @TempDir
    Path dir;

    private static void assertRejected(byte[] bytes, String... fragments) {
        var t = assertThatThrownBy(() -> NDArrayFile.read(bytes, "bad.params"))
                .isExactlyInstanceOf(FileFormatException.class).hasMessageContaining("bad.params");
        for (String f : fragments) {
            t.hasMessageContaining(f);
        }
    }

    /** One float32 (2,) record keyed "w", with {@code record} in place of the normal one. */
    private static byte[] withRecord(byte[] record) {
        return new LittleEndianBytes().header(1).raw(unsigned(record)).i64(1).key("w").array();
    }

    private static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    @Test
    void everyTruncationNamesTheByteWhereTheFileEnds() {
        byte[] good = NDArrayFileTest.fixture("params_every_dtype.params");
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThatThrownBy(() -> NDArrayFile.read(cut, "bad.params")).isExactlyInstanceOf(FileFormatException.class)
                    .hasMessageMatching("cannot read bad\\.params: .*(truncated at|ends at) byte " + len + "\\b.*");
        }
    }

    @Test
    void aWrongHeaderIsShownInHex() {
        byte[] b = new LittleEndianBytes().i64(0x113, 0, 0, 0).array();
        assertRejected(b, "not an MXNet NDArray file", "0x0000000000000113");
        byte[] npy = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertRejected(npy, "0x000159504D554E93");
    }

    @Test
    void aWordThatIsNeitherMagicNorPlausibleRankIsShownInHex() {
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FACBL).array()),
                "record 0 at byte 24", "0xF993FACB", "not a record magic", "exceeds 32");
    }

    @Test
    void absurdAndNegativeRanksAreRejected() {
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FAC9L, 0, 1000).array()),
                "record 0", "rank 1000, more than 32");
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FAC9L, 0, -2).array()), "negative rank -2");
        // -1 means "unknown" only under NumPy-shape (V3) semantics
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FAC9L, 0, -1).array()), "negative rank -1");
    }

    @Test
    void negativeDimsAreRejected() {
        assertRejected(withRecord(new LittleEndianBytes().v2(0, 2, -3).array()), "negative dim -3 at axis 1");
    }

    @Test
    void elementCountOverflowIsRejectedBeforeAllocating() {
        assertRejected(withRecord(new LittleEndianBytes().v2(0, 1L << 40, 1L << 40).array()), "overflows 64 bits");
        assertRejected(withRecord(new LittleEndianBytes().v2(0, Long.MAX_VALUE).array()), "overflows 64 bits");
    }

    @Test
    void aPayloadLargerThanTheRestOfTheFileIsRejectedBeforeAllocating() {
        assertRejected(withRecord(new LittleEndianBytes().v2(0, 1 << 28).f32(1, 2).array()),
                "needs 1073741824 bytes of data at byte 56, but the file ends at byte 81, 25 bytes on");
    }

    @Test
    void aZeroSizeShapeWithAHugeDimIsRejected() {
        assertRejected(withRecord(new LittleEndianBytes().v2(0, 0, 1L << 33).array()),
                "shape (0, 8589934592)", "more elements than a Kiln array holds");
        // found by Jazzer: the dims before the zero multiply past 64 bits
        assertRejected(withRecord(new LittleEndianBytes().v2(0, 1L << 20, 1L << 20, 1L << 20, 0).array()),
                "more elements than a Kiln array holds");
    }

    @Test
    void unknownDTypeFlagsAreRejected() {
        assertRejected(withRecord(new LittleEndianBytes().v2(13, 1).f32(1).array()), "unknown dtype flag 13");
        assertRejected(withRecord(new LittleEndianBytes().v2(-1, 1).f32(1).array()), "unknown dtype flag -1");
    }

    @Test
    void dtypesKilnLacksAreNamedWithTheKey() {
        assertRejected(withRecord(new LittleEndianBytes().v2(8, 2).raw(1, 0, 2, 0).array()),
                "record 0 ('w')", "int16 (flag 8)", "does not support");
        assertRejected(withRecord(new LittleEndianBytes().v2(11, 1).i64(5).array()), "uint64 (flag 11)");
    }

    @Test
    void unknownDeviceTypesAreRejected() {
        byte[] rec = new LittleEndianBytes().i32(0xF993FAC9L, 0, 1).i64(1).i32(4, 0, 0).f32(1).array();
        assertRejected(withRecord(rec), "unknown device type 4");
    }

    @Test
    void sparseRecordsAreNamedWithTheirKeyAndStorageType() {
        // row_sparse (4, 2) holding row 3: storage shape (1, 2), float32 values, int64 row index
        byte[] rowSparse = new LittleEndianBytes().i32(0xF993FAC9L, 1).i32(2).i64(1, 2).i32(2).i64(4, 2)
                .i32(1, 0, 0).i32(6).i32(1).i64(1).f32(5, 6).i64(3).array();
        // csr (2, 3) with 2 values: storage shape (2,), indptr (3,), indices (2,)
        byte[] csr = new LittleEndianBytes().i32(0xF993FAC9L, 2).i32(1).i64(2).i32(2).i64(2, 3)
                .i32(1, 0, 0).i32(6).i32(1).i64(3).i32(6).i32(1).i64(2).f32(1, 2).i64(0, 1, 2).i64(0, 2).array();
        byte[] file = new LittleEndianBytes().header(3).raw(unsigned(rowSparse)).raw(unsigned(csr))
                .v2(0, 1).f32(9).i64(3).key("arg:emb").key("arg:m").key("arg:ok").array();
        assertRejected(file, "record 0 ('arg:emb')", "row_sparse storage (stype 1)", "dense arrays only");
        byte[] csrOnly = new LittleEndianBytes().header(1).raw(unsigned(csr)).i64(1).key("arg:m").array();
        assertRejected(csrOnly, "record 0 ('arg:m')", "csr storage (stype 2)");
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FAC9L, 3).array()), "unknown storage type 3");
    }

    @Test
    void noneRecordsAreNamedWithTheirKey() {
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FAC9L, 0, 0).array()),
                "record 0 ('w')", "V2 \"none\" record");
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FACAL, 0, -1).array()), "V3 \"none\" record");
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FACAL, 0, 2).i64(2, -1).array()),
                "V3 \"none\" record");
        assertRejected(withRecord(new LittleEndianBytes().i32(0xF993FAC8L, 0).array()), "V1 \"none\" record");
        byte[] list = new LittleEndianBytes().header(2).v2(0, 1).f32(1).i32(0).i64(0).array();
        assertRejected(list, "record 1 is a legacy V0 \"none\" record");
    }

    @Test
    void aKeyLongerThanTheFileIsRejected() {
        byte[] b = new LittleEndianBytes().header(1).v2(0, 1).f32(1).i64(1).i64(1L << 50).raw('w').array();
        assertRejected(b, "key 0 at byte 68 declares 1125899906842624 bytes,",
                "but the file ends at byte 77, 1 bytes on");
        byte[] negative = new LittleEndianBytes().header(1).v2(0, 1).f32(1).i64(1).i64(-1).array();
        assertRejected(negative, "declares 18446744073709551615 bytes");
    }

    @Test
    void anArrayCountThatCannotFitIsRejectedBeforeReadingRecords() {
        assertRejected(new LittleEndianBytes().header(1L << 40).i64(0).array(),
                "declares 1099511627776 arrays, but it ends at byte 32", "room for at most 0 records");
        assertRejected(new LittleEndianBytes().header(-1).array(), "declares 18446744073709551615 arrays");
    }

    @Test
    void theKeyCountMustBeZeroOrTheArrayCount() {
        byte[] b = new LittleEndianBytes().header(1).v2(0, 1).f32(1).i64(2).key("a").key("b").array();
        assertRejected(b, "2 keys for 1 arrays");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] good = NDArrayFileTest.bytesOf(Map.of("w", NDArray.ones(2)));
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertRejected(longer, "3 unexpected bytes after the last key, from byte " + good.length);
    }

    @Test
    void malformedUtf8AndRepeatedKeysAreRejected() {
        byte[] bad = new LittleEndianBytes().header(1).v2(0, 1).f32(1).i64(1).i64(2).raw(0xc3, 0x28).array();
        assertRejected(bad, "key 0 at byte", "not valid UTF-8");
        byte[] twice = new LittleEndianBytes().header(2).v2(0, 1).f32(1).v2(0, 1).f32(2).i64(2).key("k").key("k")
                .array();
        assertRejected(twice, "key 'k' names both record 0 and record 1");
    }

    @Test
    void aChannelThatEndsBeforeItsDeclaredLengthIsTruncation() {
        byte[] good = NDArrayFileTest.bytesOf(Map.of("w", NDArray.ones(2)));
        var channel = java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(good, 0, 30));
        assertThatThrownBy(() -> NDArrayFile.read(channel, good.length, "stream"))
                .isExactlyInstanceOf(FileFormatException.class).hasMessageContaining("stream")
                .hasMessageContaining("truncated at byte 30");
    }

    @Test
    void aMissingFileIsAKilnException() {
        assertThatThrownBy(() -> NDArrayFile.load(dir.resolve("nope.params")))
                .isExactlyInstanceOf(KilnException.class).hasMessageContaining("nope.params")
                .hasMessageContaining("no such file");
    }

    // ---- writing never damages the previous file ----

    private void assertOnlyFile(String name) throws IOException {
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(name);
        }
    }

    @Test
    void aFailureMidWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path p = dir.resolve("keep.params");
        NDArrayFile.save(p, List.of(NDArray.ones(2)));
        NDArray[] arrays = {NDArray.zeros(1 << 16), NDArray.zeros(3)};
        // the second pass over the list (after the header and first record are written) fails, as a device would
        List<NDArray> failing = new AbstractList<>() {
            private int reads;

            @Override
            public NDArray get(int i) {
                if (++reads == 4) {
                    throw new IllegalStateException("device lost");
                }
                return arrays[i];
            }

            @Override
            public int size() {
                return arrays.length;
            }
        };
        assertThatThrownBy(() -> NDArrayFile.save(p, failing)).hasMessageContaining("device lost");
        assertThat(NDArrayFile.load(p).arrays().get(0)).isCloseTo(new double[] {1, 1}, 0, 0);
        assertOnlyFile("keep.params");
    }

    @Test
    void invalidArgumentsKeepTheOldFile() throws IOException {
        Path p = dir.resolve("keep.params");
        NDArrayFile.save(p, Map.of("a", NDArray.ones(2)));
        Map<String, NDArray> nullArray = new LinkedHashMap<>();
        nullArray.put("x", null);
        assertThatThrownBy(() -> NDArrayFile.save(p, nullArray)).isExactlyInstanceOf(KilnException.class)
                .hasMessageContaining("keep.params").hasMessageContaining("array 0 is null");
        assertThatThrownBy(() -> NDArrayFile.save(p, Map.of("\ud800", NDArray.ones(1))))
                .isExactlyInstanceOf(KilnException.class).hasMessageContaining("not well-formed Unicode");
        NDArray deep = NDArray.zeros(Shape.of(new int[33]), DType.FLOAT32, Device.cpu());
        assertThatThrownBy(() -> NDArrayFile.save(p, List.of(deep))).isExactlyInstanceOf(KilnException.class)
                .hasMessageContaining("rank 33");
        assertThat(NDArrayFile.loadDict(p)).containsOnlyKeys("a");
        assertOnlyFile("keep.params");
    }

    @Test
    void aReadOnlyDirectoryKeepsTheOldFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("ro"));
        Path p = sub.resolve("keep.params");
        NDArrayFile.save(p, Map.of("a", NDArray.ones(2)));
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(sub), "the file system lets this user write a read-only directory (root)");
            assertThatThrownBy(() -> NDArrayFile.save(p, Map.of("b", NDArray.zeros(2))))
                    .isExactlyInstanceOf(KilnException.class).hasMessageContaining("keep.params");
            assertThat(NDArrayFile.loadDict(p)).containsOnlyKeys("a");
        } finally {
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
