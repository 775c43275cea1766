package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MXNet 1.x's binary NDArray file ({@code mx.nd.save}, {@code .params}): a list of arrays, optionally with one key
 * per array. Little-endian throughout:
 * <pre>
 * uint64 0x112, uint64 0, uint64 N, N records, uint64 K (0 or N), K x (uint64 length, UTF-8 bytes)
 * record V2/V3: uint32 magic 0xF993FAC9/0xF993FACA, int32 storage type (0 dense), int32 ndim, ndim x int64 dims,
 *               int32 device type, int32 device id, int32 dtype flag, C-order element bytes
 * </pre>
 * Reading also accepts the legacy V1 (0xF993FAC8, no storage type) and V0 (the first word is the rank, dims are
 * uint32) records. Arrays load onto the CPU whatever device the file names. Writing produces MXNet 1.9's bytes: V2
 * records, or V3 records for every array when any array is 0-d, since only NumPy-shape mode (which requires V3
 * throughout one file) can hold a 0-d array.
 *
 * <p>Damaged or hostile files raise a {@link dev.kiln.FileFormatException} naming the file, the record or key and
 * the problem; sizes are checked against the bytes present before anything is allocated. Files are written
 * atomically.
 */
public final class NDArrayFile {
    private static final int CPU = 1;

    private NDArrayFile() {
    }

    /**
     * What a file holds: the arrays in file order and their keys, or no keys for a list file.
     *
     * @param keys   one key per array (a dict file), or empty (a list file)
     * @param arrays the arrays
     */
    public record Contents(List<String> keys, List<NDArray> arrays) {
        public Contents {
            keys = List.copyOf(keys);
            arrays = List.copyOf(arrays);
            if (!keys.isEmpty() && keys.size() != arrays.size()) {
                throw new KilnException(keys.size() + " keys given for " + arrays.size()
                        + " arrays; give one key per array or none");
            }
            if (new HashSet<>(keys).size() != keys.size()) {
                throw new KilnException("keys repeat: " + keys);
            }
        }

        /** True when every array has a key (a file with no arrays counts as both a list and a dict). */
        public boolean isDict() {
            return keys.size() == arrays.size();
        }

        /** The arrays by key, in file order; fails for a list file. */
        public Map<String, NDArray> asMap() {
            if (!isDict()) {
                throw new KilnException("a list of " + arrays.size() + " arrays without keys has no map form");
            }
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                out.put(keys.get(i), arrays.get(i));
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /** Writes a dict file, keys in the map's iteration order, atomically (a temporary file renamed into place). */
    public static void save(Path file, Map<String, NDArray> arrays) {
        byte[][] keys = encodeKeys(arrays.keySet(), file.toString());
        AtomicFiles.write(file, out -> encode(out, arrays.values(), keys, file.toString()));
    }

    /** Writes a list file (no keys), atomically. */
    public static void save(Path file, List<NDArray> arrays) {
        AtomicFiles.write(file, out -> encode(out, arrays, new byte[0][], file.toString()));
    }

    /** Streams a dict file to {@code out}. */
    public static void write(OutputStream out, Map<String, NDArray> arrays) throws IOException {
        encode(out, arrays.values(), encodeKeys(arrays.keySet(), "NDArray file"), "NDArray file");
    }

    /** Streams a list file to {@code out}. */
    public static void write(OutputStream out, List<NDArray> arrays) throws IOException {
        encode(out, arrays, new byte[0][], "NDArray file");
    }

    /** Reads a list or dict file. */
    public static Contents load(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return NDArrayFileReader.read(ch, ch.size(), file.toString());
        } catch (NoSuchFileException e) {
            throw new KilnException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new KilnException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a dict file as an ordered map; a list file with arrays is an error. */
    public static Map<String, NDArray> loadDict(Path file) {
        Contents c = load(file);
        if (!c.isDict()) {
            throw new KilnException("cannot read " + file + " as a dict: it is a list of " + c.arrays().size()
                    + " arrays without keys (use NDArrayFile.load)");
        }
        return c.asMap();
    }

    /** Reads a file from its bytes; {@code source} names it in errors. */
    public static Contents read(byte[] bytes, String source) {
        return read(Channels.newChannel(new ByteArrayInputStream(bytes)), bytes.length, source);
    }

    /**
     * Reads a file of exactly {@code length} bytes from a blocking {@code channel} (left open); {@code source} names
     * it in errors. A channel that ends early is reported as truncation.
     */
    public static Contents read(ReadableByteChannel channel, long length, String source) {
        return NDArrayFileReader.read(channel, length, source);
    }

    /** UTF-8 bytes of each key; keys must be non-null and well-formed Unicode. */
    private static byte[][] encodeKeys(Set<String> keys, String target) {
        var encoder = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<byte[]> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            if (k == null) {
                throw new KilnException("cannot write " + target + ": a key is null");
            }
            try {
                ByteBuffer b = encoder.encode(CharBuffer.wrap(k));
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.add(bytes);
            } catch (CharacterCodingException e) {
                throw new KilnException("cannot write " + target + ": key '" + k + "' is not well-formed Unicode");
            }
        }
        return out.toArray(byte[][]::new);
    }

    /** Writes the container; arrays are checked first so that nothing is written for an invalid list. */
    private static void encode(OutputStream out, Collection<NDArray> arrays, byte[][] keys, String target)
            throws IOException {
        int n = arrays.size();
        boolean numpyShape = false;
        int i = 0;
        for (NDArray a : arrays) {
            if (a == null) {
                throw new KilnException("cannot write " + target + ": array " + i + " is null");
            }
            if (a.rank() > NDArrayFileReader.MAX_NDIM) {
                throw new KilnException("cannot write " + target + ": array " + i + " has rank " + a.rank()
                        + "; NDArray files hold at most " + NDArrayFileReader.MAX_NDIM + " dimensions");
            }
            numpyShape |= a.rank() == 0;
            i++;
        }
        ByteBuffer b = ByteBuffer.allocate(24 + 8 * NDArrayFileReader.MAX_NDIM).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(NDArrayFileReader.LIST_MAGIC).putLong(0).putLong(n);
        out.write(b.array(), 0, b.position());
        int written = 0;
        for (NDArray a : arrays) {
            writeRecord(out, b, a, numpyShape ? NDArrayFileReader.V3_MAGIC : NDArrayFileReader.V2_MAGIC);
            written++;
        }
        if (written != n) {
            throw new KilnException("cannot write " + target + ": the array collection changed while being written");
        }
        b.clear();
        out.write(b.putLong(keys.length).array(), 0, 8);
        for (byte[] k : keys) {
            b.clear();
            out.write(b.putLong(k.length).array(), 0, 8);
            out.write(k);
        }
    }

    private static void writeRecord(OutputStream out, ByteBuffer b, NDArray a, int magic) throws IOException {
        b.clear();
        b.putInt(magic).putInt(0).putInt(a.rank());
        for (long d : a.shape().toLongArray()) {
            b.putLong(d);
        }
        // Kiln keeps every device's contents in host memory, so the data is written as is; the file names cpu(0)
        // for every array, so that MXNet loads it anywhere without a GPU
        b.putInt(CPU).putInt(0).putInt(a.dtype().flag());
        out.write(b.array(), 0, b.position());
        ElementBytes.writeLittleEndian(out, a.data());
    }
}
