package dev.kiln.data.vision;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An IDX file of unsigned bytes (the MNIST format: big-endian magic {@code 0x0000 08 <rank>}, {@code rank} big-endian
 * dimension sizes, then the bytes in row-major order), plain or gzipped. The declared size is checked against the
 * file length before anything is allocated; a gzipped payload is read in growing chunks, so a header that lies costs
 * no more memory than the data really present.
 */
record IdxFile(Path file, int[] dims, byte[] data) {
    private static final int UBYTE = 0x08;
    private static final int MAX_BYTES = Integer.MAX_VALUE - 64;
    private static final int CHUNK = 1 << 20;

    /** Reads {@code file}, which must be an unsigned-byte IDX file of {@code rank} dimensions. */
    static IdxFile read(Path file, int rank) {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
             InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
            DataInputStream header = new DataInputStream(in);
            int headerBytes = 4 + 4 * rank;
            int magic = header.readInt();
            int expected = (UBYTE << 8) | rank;
            if (magic != expected) {
                throw new FileFormatException(String.format("bad magic number 0x%08X in %s: expected 0x%08X (an IDX "
                        + "file of unsigned bytes with %d dimension%s)", magic, file, expected, rank,
                        rank == 1 ? "" : "s"));
            }
            int[] dims = new int[rank];
            long payload = 1;
            for (int d = 0; d < rank; d++) {
                dims[d] = header.readInt();
                if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
                    throw new FileFormatException("bad IDX header in " + file + ": dimension " + d + " is "
                            + Integer.toUnsignedString(dims[d]));
                }
                payload *= dims[d];
                if (payload > MAX_BYTES) {
                    throw new FileFormatException("bad IDX header in " + file + ": dimensions "
                            + Arrays.toString(Arrays.copyOf(dims, d + 1))
                            + " declare more bytes than one array can hold");
                }
            }
            if (!gzip) {
                long available = Files.size(file) - headerBytes;
                if (available != payload) {
                    throw new FileFormatException("IDX file " + file + " declares dimensions " + Arrays.toString(dims)
                            + " = " + payload + " data bytes after its " + headerBytes + "-byte header, but the file "
                            + "has " + available + " (" + (available < payload ? "truncated" : "trailing bytes") + ")");
                }
            }
            byte[] data = readPayload(in, (int) payload, file, dims);
            if (in.read() >= 0) {
                throw new FileFormatException("IDX file " + file + " has bytes after the " + payload + " data bytes "
                        + "its dimensions " + Arrays.toString(dims) + " declare");
            }
            return new IdxFile(file, dims, data);
        } catch (EOFException e) {
            throw new FileFormatException("IDX file " + file + " is truncated: " + (e.getMessage() == null
                    ? "it ends inside its header" : e.getMessage()), e);
        } catch (ZipException e) {
            throw new FileFormatException("cannot decompress " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new KilnException("cannot read " + file + ": " + e, e);
        }
    }

    private static byte[] readPayload(InputStream in, int n, Path file, int[] dims) throws IOException {
        byte[] buf = new byte[Math.min(n, CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int got;
            try {
                got = in.read(buf, filled, buf.length - filled);
            } catch (EOFException e) {
                got = -1;
            }
            if (got < 0) {
                throw new FileFormatException("IDX file " + file + " is truncated: dimensions " + Arrays.toString(dims)
                        + " declare " + n + " data bytes but it ends after " + filled);
            }
            filled += got;
        }
        return buf;
    }
}
