package dev.kiln.io;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * NumPy's {@code .npy} format: one array with a text header. Reads format versions 1.0, 2.0 and 3.0, little- and
 * big-endian data, C and Fortran order (converted to C order), and the dtypes f2, f4, f8, i1, u1, i4, i8 and b1.
 * Writes version 1.0 (2.0 when the header needs it), little-endian, C order. bfloat16 has no NumPy type code, so a
 * bfloat16 array is written as float32 (exactly: every bfloat16 value is a float32) and reads back as float32.
 *
 * <p>Damaged or hostile files raise a {@link FileFormatException} naming the file and the problem: the header
 * length and the declared shape are checked against the bytes actually present before anything is allocated.
 */
public final class Npy {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final int ALIGN = 64;

    private Npy() {
    }

    /** Reads the array in a {@code .npy} file. */
    public static NDArray read(Path file) {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new KilnException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return decode(in, length, true, file.toString());
        } catch (IOException e) {
            throw new KilnException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads an array from the bytes of a {@code .npy} file; {@code source} names it in errors. */
    public static NDArray read(byte[] bytes, String source) {
        try {
            return decode(new ByteArrayInputStream(bytes), bytes.length, true, source);
        } catch (IOException e) {
            throw new FileFormatException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code array} to {@code file} atomically (a temporary file renamed into place). */
    public static void write(Path file, NDArray array) {
        AtomicFiles.write(file, out -> writeTo(out, array));
    }

    /** The bytes of {@code array} as a {@code .npy} file. */
    public static byte[] toBytes(NDArray array) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out, array);
        } catch (IOException e) {
            throw new KilnException("cannot encode array: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The number of bytes {@link #writeTo} produces for {@code array}. */
    static long encodedLength(NDArray array) {
        DType t = array.dtype() == DType.BFLOAT16 ? DType.FLOAT32 : array.dtype();
        return header(array).length + (long) array.size() * t.byteSize();
    }

    private static byte[] header(NDArray array) {
        String dict = NpyHeader.dictFor(array.dtype(), array.shape());
        int prefix = 10;
        int total = prefix + dict.length() + 1;
        if (total + (ALIGN - total % ALIGN) % ALIGN - prefix > 0xFFFF) {
            prefix = 12;
            total = prefix + dict.length() + 1;
        }
        int pad = (ALIGN - total % ALIGN) % ALIGN;
        String text = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC);
        if (prefix == 10) {
            b.put((byte) 1).put((byte) 0).putShort((short) text.length());
        } else {
            b.put((byte) 2).put((byte) 0).putInt(text.length());
        }
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    /** Streams {@code array} as a {@code .npy} file to {@code out}. */
    static void writeTo(OutputStream out, NDArray array) throws IOException {
        out.write(header(array));
        DType t = array.dtype();
        ElementBytes.writeLittleEndian(out,
                t == DType.BFLOAT16 ? Storage.convert(t, array.data(), DType.FLOAT32) : array.data());
    }

    /**
     * Decodes one {@code .npy} stream of {@code length} bytes ({@code -1} if unknown). With {@code trusted}, the
     * length is known to be real (a file's size) and the data buffer is allocated at once; otherwise (a zip entry's
     * declared size) it grows only as bytes actually arrive.
     */
    static NDArray decode(InputStream in, long length, boolean trusted, String source) throws IOException {
        try {
            return decodeChecked(in, length, trusted, source);
        } catch (FileFormatException e) {
            throw e;
        } catch (KilnException e) {
            throw fail(source, e.getMessage());
        } catch (RuntimeException e) {
            // a defect in the checks above must still surface as a file error, not as a stray exception type
            throw fail(source, "malformed .npy data (" + e + ")");
        }
    }

    private static NDArray decodeChecked(InputStream in, long length, boolean trusted, String source)
            throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8) {
            throw fail(source, "truncated: " + prefix.length + " bytes, too short for a .npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix[i] != MAGIC[i]) {
                throw fail(source, "not a .npy file (bad magic bytes; expected \\x93NUMPY)");
            }
        }
        int major = prefix[6] & 0xFF;
        int minor = prefix[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw fail(source, "unsupported .npy format version " + major + "." + minor + " (Kiln reads 1.0, 2.0, 3.0)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        byte[] lenField = in.readNBytes(lenBytes);
        if (lenField.length < lenBytes) {
            throw fail(source, "truncated in the header length field");
        }
        ByteBuffer lb = ByteBuffer.wrap(lenField).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = major == 1 ? (lb.getShort() & 0xFFFF) : (lb.getInt() & 0xFFFFFFFFL);
        long afterPrefix = length < 0 ? -1 : length - 8 - lenBytes;
        if (headerLen > MAX_HEADER || (afterPrefix >= 0 && headerLen > afterPrefix)) {
            throw fail(source, "header length " + headerLen + " is larger than "
                    + (afterPrefix >= 0 && headerLen > afterPrefix ? "the " + afterPrefix + " bytes that follow"
                    : "the " + MAX_HEADER + "-byte limit"));
        }
        byte[] headerBytes = in.readNBytes((int) headerLen);
        if (headerBytes.length < headerLen) {
            throw fail(source, "truncated inside the header (" + headerBytes.length + " of " + headerLen + " bytes)");
        }
        String text = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header;
        try {
            header = NpyHeader.parse(text);
        } catch (NpyHeader.BadHeader e) {
            throw fail(source, e.getMessage());
        }
        Shape shape = header.shape();
        int itemSize = header.dtype().byteSize();
        long count = 1;
        for (int d : shape.dims()) {
            count = d == 0 ? 0 : (count > (Integer.MAX_VALUE - 8L) / d ? -1 : count * d);
            if (count < 0) {
                throw fail(source, "shape " + shape + " has more elements than a Java array holds");
            }
        }
        long needed = count * itemSize;
        long available = afterPrefix < 0 ? -1 : afterPrefix - headerLen;
        if (available >= 0 && available != needed) {
            throw fail(source, (available < needed ? "truncated: " : "")
                    + "shape " + shape + " of " + header.dtype() + " needs " + needed + " data bytes but "
                    + available + " follow the header");
        }
        byte[] raw;
        if (trusted) {
            raw = new byte[(int) needed];
            int got = in.readNBytes(raw, 0, raw.length);
            if (got < needed) {
                throw fail(source, "truncated: " + got + " of " + needed + " data bytes present");
            }
        } else {
            raw = in.readNBytes((int) needed);
            if (raw.length < needed) {
                throw fail(source, "truncated: " + raw.length + " of " + needed + " data bytes present");
            }
            if (in.read() >= 0) {
                throw fail(source, "unexpected bytes after the " + needed + " data bytes of shape " + shape);
            }
        }
        Object data = toStorage(header.dtype(), raw, (int) count, header.order());
        if (header.fortran() && shape.rank() > 1) {
            data = fortranToC(header.dtype(), data, shape.dims());
        }
        return NDArray.wrap(shape, header.dtype(), Device.cpu(), data);
    }

    private static Object toStorage(DType t, byte[] raw, int n, ByteOrder order) {
        Object out = Storage.allocate(t, n);
        ElementBytes.get(ByteBuffer.wrap(raw).order(order), out, 0, n);
        ElementBytes.canonicalizeBools(t, out);
        return out;
    }

    /** Reorders column-major data of shape {@code dims} into row-major order. */
    private static Object fortranToC(DType t, Object src, int[] dims) {
        int n = Storage.length(src);
        Object dst = Storage.allocate(t, n);
        int rank = dims.length;
        int[] fStride = new int[rank];
        int acc = 1;
        for (int i = 0; i < rank; i++) {
            fStride[i] = acc;
            acc *= dims[i];
        }
        int[] idx = new int[rank];
        int f = 0;
        for (int c = 0; c < n; c++) {
            System.arraycopy(src, f, dst, c, 1);
            for (int ax = rank - 1; ax >= 0; ax--) {
                idx[ax]++;
                f += fStride[ax];
                if (idx[ax] < dims[ax]) {
                    break;
                }
                f -= fStride[ax] * dims[ax];
                idx[ax] = 0;
            }
        }
        return dst;
    }

    static FileFormatException fail(String source, String problem) {
        return new FileFormatException("cannot read " + source + ": " + problem);
    }
}
