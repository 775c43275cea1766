package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The arrays TornadoVM maps to device memory, in either flavour: {@code float[]}/{@code int[]}, or TornadoVM's
 * off-heap {@code FloatArray}/{@code IntArray} (reached by reflection), and copies between them and host arrays.
 */
final class TornadoArrays {
    private TornadoArrays() {
    }

    /** A new zeroed array of {@code dtype} and {@code elements} in TornadoVM's native arrays or on the heap. */
    static Object allocate(boolean nativeArrays, DType dtype, int elements, String what) {
        if (dtype != DType.FLOAT32 && dtype != DType.INT32) {
            throw new KilnException("device buffer '" + what + "' of dtype " + dtype.mxnetName()
                    + ": the device holds float32 and int32 only");
        }
        if (!nativeArrays) {
            return dtype == DType.FLOAT32 ? new float[elements] : new int[elements];
        }
        String type = dtype == DType.FLOAT32 ? "FloatArray" : "IntArray";
        try {
            Class<?> c = Class.forName(TornadoApi.API + "types.arrays." + type, true,
                    ClassLoader.getSystemClassLoader());
            return c.getConstructor(int.class).newInstance(Math.max(1, elements));
        } catch (ReflectiveOperationException e) {
            throw new KilnException("cannot allocate TornadoVM's " + type + ": " + e, e);
        }
    }

    /** A device array like the host array {@code host} ({@code float[]} or {@code int[]}). */
    static Object like(boolean nativeArrays, Object host) {
        return switch (host) {
            case float[] f -> allocate(nativeArrays, DType.FLOAT32, f.length, "resident array");
            case int[] i -> allocate(nativeArrays, DType.INT32, i.length, "resident array");
            default -> throw new KilnException("not a host array: " + host.getClass());
        };
    }

    /** Copies a host array into the array TornadoVM reads. */
    static void put(Object from, Object buffer, String what) {
        if (buffer instanceof float[] || buffer instanceof int[]) {
            HostArrays.copy(from, buffer, what);
            return;
        }
        MemorySegment seg = segmentOf(buffer);
        switch (from) {
            case float[] f -> MemorySegment.copy(f, 0, seg, ValueLayout.JAVA_FLOAT, 0, f.length);
            case int[] i -> MemorySegment.copy(i, 0, seg, ValueLayout.JAVA_INT, 0, i.length);
            default -> throw new KilnException("not a device array: " + from.getClass());
        }
    }

    /** Copies the array TornadoVM wrote into the host array {@code to}. */
    static void get(Object buffer, Object to, String what) {
        if (buffer instanceof float[] || buffer instanceof int[]) {
            HostArrays.copy(buffer, to, what);
            return;
        }
        MemorySegment seg = segmentOf(buffer);
        switch (to) {
            case float[] f -> MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, 0, f, 0, f.length);
            case int[] i -> MemorySegment.copy(seg, ValueLayout.JAVA_INT, 0, i, 0, i.length);
            default -> throw new KilnException("not a host array: " + to.getClass());
        }
    }

    /** A new host array ({@code float[]} or {@code int[]}) of {@code dtype} with the buffer's contents. */
    static Object copyOf(Object buffer, DType dtype, int elements) {
        Object host = dtype == DType.INT32 ? new int[elements] : new float[elements];
        get(buffer, host, "an output");
        return host;
    }

    /** 'F' for a float array, 'I' for an int array (either flavour). */
    static char type(Object buffer) {
        return buffer instanceof int[] || buffer.getClass().getSimpleName().startsWith("Int") ? 'I' : 'F';
    }

    private static MemorySegment segmentOf(Object nativeArray) {
        try {
            return (MemorySegment) nativeArray.getClass().getMethod("getSegment").invoke(nativeArray);
        } catch (ReflectiveOperationException e) {
            throw new KilnException("cannot reach the memory of TornadoVM's " + nativeArray.getClass().getName(), e);
        }
    }
}
