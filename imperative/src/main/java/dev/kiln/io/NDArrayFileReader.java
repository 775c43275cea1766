package dev.kiln.io;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes MXNet's NDArray list/dict container and its V0-V3 records (layouts in {@link NDArrayFile}). Every size read
 * from the file is checked against the bytes that remain before anything is allocated. Records Kiln cannot hold
 * (sparse storage, "none" arrays, dtypes Kiln lacks) are skipped over and reported once the keys are known, so the
 * error can name the key.
 */
final class NDArrayFileReader {
    static final long LIST_MAGIC = 0x112;
    static final int V1_MAGIC = 0xF993FAC8;
    static final int V2_MAGIC = 0xF993FAC9;
    static final int V3_MAGIC = 0xF993FACA;
    /** Most dimensions a record may declare; NumPy's classic limit, far above what any model stores. */
    static final int MAX_NDIM = 32;
    /** The smallest record (a legacy V0 "none" array) is its 4-byte first word. */
    private static final int MIN_RECORD_BYTES = 4;
    /** Marks errors the checks did not foresee (a stray runtime exception), which the fuzz tests treat as bugs. */
    static final String MALFORMED = "malformed NDArray file";
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Bytes per element for each MXNet type flag 0..12 (mshadow {@code TypeFlag}). */
    private static final int[] FLAG_SIZES = {4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2};
    private static final String[] FLAG_NAMES = {"float32", "float64", "float16", "uint8", "int32", "int8", "int64",
        "bool", "int16", "uint16", "uint32", "uint64", "bfloat16"};

    /** What a record held: an array, or why Kiln cannot load it. */
    private record Record(NDArray array, String rejection) {
    }

    private final BoundedInput in;
    private final String source;

    private NDArrayFileReader(BoundedInput in, String source) {
        this.in = in;
        this.source = source;
    }

    /** Reads a whole file of {@code length} bytes from {@code channel}; {@code source} names it in errors. */
    static NDArrayFile.Contents read(ReadableByteChannel channel, long length, String source) {
        try {
            return new NDArrayFileReader(new BoundedInput(channel, length, source), source).readFile();
        } catch (FileFormatException e) {
            throw e;
        } catch (KilnException e) {
            throw new FileFormatException("cannot read " + source + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new KilnException("cannot read " + source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // a gap in the checks below must still surface as a file error, never as a stray exception type
            throw new FileFormatException("cannot read " + source + ": " + MALFORMED + " (" + e + ")", e);
        }
    }

    private NDArrayFile.Contents readFile() throws IOException {
        long header = in.readLong("the file header");
        if (header != LIST_MAGIC) {
            throw fail(String.format("not an MXNet NDArray file: the header is 0x%016X, expected 0x%016X", header,
                    LIST_MAGIC));
        }
        in.readLong("the reserved field");
        long count = in.readLong("the array count");
        long fit = Math.max(0, in.remaining() - 8) / MIN_RECORD_BYTES;
        if (count < 0 || count > fit) {
            throw fail("the file declares " + Long.toUnsignedString(count) + " arrays, but it ends at byte "
                    + in.length() + ", " + in.remaining() + " bytes after the count: room for at most " + fit
                    + " records of " + MIN_RECORD_BYTES + "+ bytes and the key count");
        }
        List<Record> records = new ArrayList<>((int) Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            records.add(readRecord(i));
        }
        List<String> keys = readKeys(count);
        if (in.remaining() > 0) {
            throw fail(in.remaining() + " unexpected bytes after the last key, from byte " + in.position());
        }
        List<NDArray> arrays = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            if (r.rejection() != null) {
                throw fail("record " + i + (keys.isEmpty() ? "" : " ('" + keys.get(i) + "')") + " " + r.rejection());
            }
            arrays.add(r.array());
        }
        return new NDArrayFile.Contents(keys, arrays);
    }

    private List<String> readKeys(long count) throws IOException {
        long keyCount = in.readLong("the key count");
        if (keyCount != 0 && keyCount != count) {
            throw fail("the file has " + Long.toUnsignedString(keyCount) + " keys for " + count
                    + " arrays; the key count must be 0 (a list) or equal the array count");
        }
        List<String> keys = new ArrayList<>((int) Math.min(keyCount, 1024));
        Map<String, Integer> seen = new HashMap<>();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int j = 0; j < keyCount; j++) {
            long at = in.position();
            long len = in.readLong("the length of key " + j);
            if (len < 0 || len > in.remaining()) {
                throw fail("key " + j + " at byte " + at + " declares " + Long.toUnsignedString(len)
                        + " bytes, but the file ends at byte " + in.length() + ", " + in.remaining() + " bytes on");
            }
            if (len > MAX_ELEMENTS) {
                throw fail("key " + j + " at byte " + at + " declares " + len + " bytes, more than a key may hold");
            }
            String key;
            try {
                key = decoder.decode(ByteBuffer.wrap(in.readBytes((int) len, "key " + j))).toString();
            } catch (CharacterCodingException e) {
                throw fail("key " + j + " at byte " + at + " is not valid UTF-8");
            }
            Integer before = seen.put(key, j);
            if (before != null) {
                throw fail("key '" + key + "' names both record " + before + " and record " + j);
            }
            keys.add(key);
        }
        return keys;
    }

    private Record readRecord(int i) throws IOException {
        String rec = "record " + i + " at byte " + in.position();
        int magic = in.readInt("the magic of record " + i);
        if (magic == V2_MAGIC || magic == V3_MAGIC) {
            boolean v3 = magic == V3_MAGIC;
            int stype = in.readInt(rec + ": storage type");
            if (stype == 1 || stype == 2) {
                return skipSparse(rec, stype, v3);
            }
            if (stype != 0) {
                throw fail(rec + ": unknown storage type " + stype + " (MXNet has 0 dense, 1 row_sparse, 2 csr)");
            }
            long[] dims = readShape(rec, "shape", v3);
            if (dims == null || (!v3 && dims.length == 0)) {
                return none(v3 ? "V3" : "V2");
            }
            return readDense(rec, dims);
        }
        long[] dims;
        if (magic == V1_MAGIC) {
            dims = readShape(rec, "shape", true);
        } else {
            dims = readLegacyShape(rec, magic);
        }
        // legacy writers stopped after an empty shape; MXNet also takes an unknown (-1) shape as "none"
        if (dims == null || dims.length == 0) {
            return none(magic == V1_MAGIC ? "V1" : "legacy V0");
        }
        return readDense(rec, dims);
    }

    private static Record none(String version) {
        return new Record(null, "is a " + version + " \"none\" record (an empty, uninitialised MXNet array); Kiln "
                + "cannot load it");
    }

    /** A V0 record's shape: its first word is the rank, followed by that many uint32 dims. */
    private long[] readLegacyShape(String rec, int magic) throws IOException {
        long ndim = Integer.toUnsignedLong(magic);
        if (ndim > MAX_NDIM) {
            throw fail(String.format("%s: starts with 0x%08X, which is not a record magic (V1 0x%08X, V2 0x%08X, "
                    + "V3 0x%08X) and, read as a legacy V0 rank, exceeds %d dimensions", rec, magic, V1_MAGIC,
                    V2_MAGIC, V3_MAGIC, MAX_NDIM));
        }
        long[] dims = new long[(int) ndim];
        for (int d = 0; d < ndim; d++) {
            dims[d] = Integer.toUnsignedLong(in.readInt(rec + ": dim " + d));
        }
        return dims;
    }

    /**
     * An int32 rank and int64 dims. Returns null for an unknown shape (rank -1 or a -1 dim) when
     * {@code unknownIsNone}; every other negative value is an error.
     */
    private long[] readShape(String rec, String what, boolean unknownIsNone) throws IOException {
        int ndim = in.readInt(rec + ": " + what + " rank");
        if (ndim == -1 && unknownIsNone) {
            return null;
        }
        if (ndim < 0 || ndim > MAX_NDIM) {
            throw fail(rec + ": " + what + " has " + (ndim < 0 ? "negative rank " + ndim
                    : "rank " + ndim + ", more than " + MAX_NDIM + " dimensions"));
        }
        long[] dims = new long[ndim];
        boolean unknown = false;
        for (int d = 0; d < ndim; d++) {
            dims[d] = in.readLong(rec + ": " + what + " dim " + d);
            if (dims[d] == -1 && unknownIsNone) {
                unknown = true;
            } else if (dims[d] < 0) {
                throw fail(rec + ": " + what + " has negative dim " + dims[d] + " at axis " + d);
            }
        }
        return unknown ? null : dims;
    }

    /** Reads the device (ignored: arrays load onto the CPU) and checks its type code. */
    private void readDevice(String rec) throws IOException {
        int type = in.readInt(rec + ": device type");
        in.readInt(rec + ": device id");
        for (Device.Kind k : Device.Kind.values()) {
            if (k.code() == type) {
                return;
            }
        }
        throw fail(rec + ": unknown device type " + type + " (MXNet writes 1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared)");
    }

    /** Reads a type flag and returns its element size. */
    private int readTypeFlag(String rec, String what) throws IOException {
        int flag = in.readInt(rec + ": " + what);
        if (flag < 0 || flag >= FLAG_SIZES.length) {
            throw fail(rec + ": unknown dtype flag " + flag + " in the " + what + " (MXNet's flags are 0 to 12)");
        }
        return flag;
    }

    /** Bytes of {@code dims} elements of {@code size} bytes, checked against what remains of the file. */
    private long payloadBytes(String rec, String what, long[] dims, int size) {
        long count = 1;
        for (long d : dims) {
            if (d == 0) {
                count = 0;
                break;
            }
        }
        for (int i = 0; i < dims.length && count != 0; i++) {
            if (count > Long.MAX_VALUE / size / dims[i]) {
                throw fail(rec + ": the element count of " + what + " " + tuple(dims) + " overflows 64 bits");
            }
            count *= dims[i];
        }
        long bytes = count * size;
        if (bytes > in.remaining()) {
            throw fail(rec + ": the " + what + " " + tuple(dims) + " needs " + bytes + " bytes of data at byte "
                    + in.position() + ", but the file ends at byte " + in.length() + ", " + in.remaining()
                    + " bytes on");
        }
        return bytes;
    }

    private Record readDense(String rec, long[] dims) throws IOException {
        readDevice(rec);
        int flag = readTypeFlag(rec, "dtype flag");
        long bytes = payloadBytes(rec, "shape", dims, FLAG_SIZES[flag]);
        DType t = kilnType(flag);
        if (t == null) {
            in.skip(bytes, rec + ": data");
            return new Record(null, "has dtype " + FLAG_NAMES[flag] + " (flag " + flag
                    + "), which Kiln does not support");
        }
        // the non-zero dims alone must fit a Kiln shape, or a zero-size shape such as (0, 2^40, 2^40) would slip by
        int[] intDims = new int[dims.length];
        long nonZero = 1;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] > MAX_ELEMENTS / nonZero) {
                throw fail(rec + ": shape " + tuple(dims) + " has more elements than a Kiln array holds");
            }
            nonZero *= Math.max(1, dims[d]);
            intDims[d] = (int) dims[d];
        }
        long count = bytes / t.byteSize();
        Object data = Storage.allocate(t, (int) count);
        in.readElements(data, (int) count, rec + ": data");
        ElementBytes.canonicalizeBools(t, data);
        return new Record(NDArray.wrap(Shape.of(intDims), t, Device.cpu(), data), null);
    }

    /** Walks a row_sparse or csr record to its end so later records and the keys can still be read. */
    private Record skipSparse(String rec, int stype, boolean v3) throws IOException {
        String kind = stype == 1 ? "row_sparse" : "csr";
        int auxCount = stype == 1 ? 1 : 2;
        long[] storageShape = readShape(rec, "storage shape", false);
        long[] shape = readShape(rec, "shape", false);
        if (shape.length == 0) {
            return new Record(null, "is an empty (\"none\") " + kind + " array; Kiln cannot load it");
        }
        readDevice(rec);
        int flag = readTypeFlag(rec, "dtype flag");
        int[] auxFlags = new int[auxCount];
        long[][] auxShapes = new long[auxCount][];
        for (int a = 0; a < auxCount; a++) {
            auxFlags[a] = readTypeFlag(rec, "aux " + a + " dtype flag");
            auxShapes[a] = readShape(rec, "aux " + a + " shape", false);
        }
        in.skip(payloadBytes(rec, "storage shape", storageShape, FLAG_SIZES[flag]), rec + ": data");
        for (int a = 0; a < auxCount; a++) {
            in.skip(payloadBytes(rec, "aux " + a + " shape", auxShapes[a], FLAG_SIZES[auxFlags[a]]),
                    rec + ": aux data " + a);
        }
        return new Record(null, "has " + kind + " storage (stype " + stype + (v3 ? ", in a V3 record" : "")
                + "); Kiln reads dense arrays only");
    }

    private static DType kilnType(int flag) {
        for (DType t : DType.values()) {
            if (t.flag() == flag) {
                return t;
            }
        }
        return null;
    }

    private static String tuple(long[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? ", " : "").append(dims[i]);
        }
        return sb.append(dims.length == 1 ? ",)" : ")").toString();
    }

    private FileFormatException fail(String problem) {
        return new FileFormatException("cannot read " + source + ": " + problem);
    }
}
