package dev.kiln.io;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Little-endian fields read from a channel of known length, with the byte offset tracked so that every error can say
 * where the file went wrong. Callers compare sizes against {@link #remaining()} before allocating anything; a field
 * that runs past the declared end, or a channel that ends early, is reported as truncation at that offset.
 */
final class BoundedInput {
    private static final int BUFFER = 1 << 16;

    private final ReadableByteChannel channel;
    private final long length;
    private final String source;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private long consumed;

    BoundedInput(ReadableByteChannel channel, long length, String source) {
        if (length < 0) {
            throw new FileFormatException("cannot read " + source + ": negative length " + length);
        }
        this.channel = channel;
        this.length = length;
        this.source = source;
        buf.limit(0);
    }

    /** The offset of the next unread byte. */
    long position() {
        return consumed;
    }

    /** The declared length: the offset at which the data ends. */
    long length() {
        return length;
    }

    /** Bytes between the current position and the declared end. */
    long remaining() {
        return length - consumed;
    }

    int readInt(String what) throws IOException {
        require(4, what);
        consumed += 4;
        return buf.getInt();
    }

    long readLong(String what) throws IOException {
        require(8, what);
        consumed += 8;
        return buf.getLong();
    }

    /** Reads exactly {@code n} bytes, which the caller has checked against {@link #remaining()}. */
    byte[] readBytes(int n, String what) throws IOException {
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            int step = Math.min(n - done, BUFFER);
            require(step, what);
            buf.get(out, done, step);
            consumed += step;
            done += step;
        }
        return out;
    }

    /**
     * Fills {@code count} elements of a backing array from the next {@code count * elementSize} bytes, chunk by
     * chunk.
     */
    void readElements(Object data, int count, String what) throws IOException {
        int size = ElementBytes.elementSize(data);
        int perChunk = BUFFER / size;
        for (int from = 0; from < count; from += perChunk) {
            int n = Math.min(perChunk, count - from);
            require(n * size, what);
            ElementBytes.get(buf, data, from, n);
            consumed += (long) n * size;
        }
    }

    /** Skips {@code n} bytes, which the caller has checked against {@link #remaining()}. */
    void skip(long n, String what) throws IOException {
        long left = n;
        while (left > 0) {
            int step = (int) Math.min(left, BUFFER);
            require(step, what);
            buf.position(buf.position() + step);
            consumed += step;
            left -= step;
        }
    }

    /** Makes {@code n <= BUFFER} bytes available in the buffer, or fails naming the offset. */
    private void require(int n, String what) throws IOException {
        if (n > remaining()) {
            throw truncated(what, n);
        }
        if (buf.remaining() >= n) {
            return;
        }
        buf.compact();
        while (buf.position() < n) {
            int got = channel.read(buf);
            if (got < 0) {
                buf.flip();
                throw new FileFormatException("cannot read " + source + ": truncated at byte " + (consumed
                        + buf.remaining()) + " (the data ends before the declared " + length + " bytes) while reading "
                        + what);
            }
        }
        buf.flip();
    }

    private FileFormatException truncated(String what, long needed) {
        return new FileFormatException("cannot read " + source + ": truncated at byte " + length + ": " + what
                + " at byte " + consumed + " needs " + needed + " bytes but only " + remaining() + " remain");
    }
}
