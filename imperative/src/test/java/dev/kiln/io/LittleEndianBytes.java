package dev.kiln.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Assembles little-endian test files field by field, as the MXNet NDArray file layout lists them. */
final class LittleEndianBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    LittleEndianBytes i32(long... values) {
        for (long v : values) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }
        return this;
    }

    LittleEndianBytes i64(long... values) {
        for (long v : values) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }
        return this;
    }

    LittleEndianBytes f32(float... values) {
        for (float v : values) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
        }
        return this;
    }

    LittleEndianBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    /** A key: its uint64 byte length, then its UTF-8 bytes. */
    LittleEndianBytes key(String k) {
        byte[] b = k.getBytes(StandardCharsets.UTF_8);
        return i64(b.length).raw(toInts(b));
    }

    /** The container header: 0x112, reserved 0, the array count. */
    LittleEndianBytes header(long count) {
        return i64(0x112, 0, count);
    }

    /** The start of a dense V2 record up to the type flag, on cpu(0). */
    LittleEndianBytes v2(int flag, long... dims) {
        i32(0xF993FAC9L, 0, dims.length).i64(dims);
        return i32(1, 0, flag);
    }

    byte[] array() {
        return out.toByteArray();
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }
}
