package dev.kiln.io;

import dev.kiln.ndarray.DType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves the elements of a Kiln backing array ({@code float[]}, {@code short[]}, ...) to and from raw bytes, in chunks
 * so that no second full-size buffer is needed. Shared by the {@code .npy} and MXNet {@code .params} codecs.
 */
final class ElementBytes {
    /** Elements per chunk when streaming. */
    static final int CHUNK = 1 << 13;

    private ElementBytes() {
    }

    /** Bytes per element of a backing array's class (bfloat16 and float16 bits are 2). */
    static int elementSize(Object data) {
        return switch (data) {
            case float[] a -> 4;
            case double[] a -> 8;
            case short[] a -> 2;
            case int[] a -> 4;
            case long[] a -> 8;
            case byte[] a -> 1;
            default -> throw new IllegalStateException("not a Kiln backing array: " + data.getClass().getName());
        };
    }

    /** Writes every element of {@code data} to {@code out}, little-endian. */
    static void writeLittleEndian(OutputStream out, Object data) throws IOException {
        int n = java.lang.reflect.Array.getLength(data);
        int size = elementSize(data);
        ByteBuffer buf = ByteBuffer.allocate(Math.min(n, CHUNK) * size).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < n; from += CHUNK) {
            int count = Math.min(n, from + CHUNK) - from;
            buf.clear();
            put(buf, data, from, count);
            out.write(buf.array(), 0, count * size);
        }
    }

    private static void put(ByteBuffer buf, Object data, int from, int count) {
        switch (data) {
            case float[] a -> buf.asFloatBuffer().put(a, from, count);
            case double[] a -> buf.asDoubleBuffer().put(a, from, count);
            case short[] a -> buf.asShortBuffer().put(a, from, count);
            case int[] a -> buf.asIntBuffer().put(a, from, count);
            case long[] a -> buf.asLongBuffer().put(a, from, count);
            case byte[] a -> buf.put(a, from, count);
            default -> throw new IllegalStateException("not a Kiln backing array: " + data.getClass().getName());
        }
    }

    /**
     * Copies {@code count} elements from the current position of {@code src} (in its byte order) into
     * {@code data[from ...]} and advances {@code src} past them.
     */
    static void get(ByteBuffer src, Object data, int from, int count) {
        switch (data) {
            case float[] a -> src.asFloatBuffer().get(a, from, count);
            case double[] a -> src.asDoubleBuffer().get(a, from, count);
            case short[] a -> src.asShortBuffer().get(a, from, count);
            case int[] a -> src.asIntBuffer().get(a, from, count);
            case long[] a -> src.asLongBuffer().get(a, from, count);
            case byte[] a -> src.get(a, from, count);
            default -> throw new IllegalStateException("not a Kiln backing array: " + data.getClass().getName());
        }
        if (!(data instanceof byte[])) {
            src.position(src.position() + count * elementSize(data));
        }
    }

    /** Maps every non-zero byte of a bool array to 1, the only true value Kiln's kernels expect. */
    static void canonicalizeBools(DType t, Object data) {
        if (t == DType.BOOL) {
            byte[] a = (byte[]) data;
            for (int i = 0; i < a.length; i++) {
                a[i] = (byte) (a[i] != 0 ? 1 : 0);
            }
        }
    }
}
