package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.tornado.plan.Binding;
import dev.kiln.tornado.plan.BufferSpec;
import dev.kiln.tornado.plan.Step;

import java.util.ArrayList;
import java.util.List;

/** Copies between host arrays and device-side Java arrays ({@code float[]}, {@code int[]}) of equal length. */
final class HostArrays {
    private HostArrays() {
    }

    /** Copies {@code from} into {@code to}; both are {@code float[]} or both {@code int[]} of one length. */
    static void copy(Object from, Object to, String what) {
        int n = java.lang.reflect.Array.getLength(to);
        if (from.getClass() != to.getClass() || java.lang.reflect.Array.getLength(from) != n) {
            throw new KilnException("device transfer of " + what + ": host array " + describe(from)
                    + " does not fit the device buffer " + describe(to));
        }
        System.arraycopy(from, 0, to, 0, n);
    }

    /** A copy of a {@code float[]} or {@code int[]}. */
    static Object copyOf(Object array) {
        return switch (array) {
            case float[] f -> f.clone();
            case int[] i -> i.clone();
            default -> throw new KilnException("not a device array: " + describe(array));
        };
    }

    /** A zeroed {@code float[]} or {@code int[]} for buffer {@code b}. */
    static Object allocate(BufferSpec b) {
        return switch (b.dtype()) {
            case FLOAT32 -> new float[b.elements()];
            case INT32 -> new int[b.elements()];
            default -> throw new KilnException("device buffer '" + b.name() + "' of dtype " + b.dtype().mxnetName()
                    + ": the device holds float32 and int32 only");
        };
    }

    /**
     * A run's results from the device arrays {@code memory}: per output a {@link Readback} of its buffer (added to
     * {@code readbacks}), or, for the outputs marked in {@code onDevice}, a device-side copy
     * ({@link DeviceMemory.OnDevice}) later segments bind; then, per write-back input, a new host array.
     */
    static Object[] results(Step.Segment segment, Object[] memory, boolean[] onDevice, Readbacks readbacks) {
        List<Object> out = new ArrayList<>();
        List<Binding> outputs = segment.outputs();
        for (int k = 0; k < outputs.size(); k++) {
            Object device = memory[outputs.get(k).buffer()];
            BufferSpec spec = segment.buffers().get(outputs.get(k).buffer());
            out.add(onDevice[k] ? new DeviceMemory.OnDevice(copyOf(device))
                    : readbacks.add(spec, host -> copy(device, host, "output '" + spec.name() + "'")));
        }
        for (Binding b : segment.inputs()) {
            if (b.writeBack()) {
                out.add(copyOf(memory[b.buffer()]));
            }
        }
        return out.toArray();
    }

    private static String describe(Object a) {
        return a.getClass().getSimpleName().replace("[]", "[" + java.lang.reflect.Array.getLength(a) + "]");
    }
}
