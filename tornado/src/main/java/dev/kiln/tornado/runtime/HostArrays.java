package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.tornado.plan.Binding;
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

    /**
     * New host arrays for the segment's outputs, then for its write-back inputs, from the device arrays; the outputs
     * marked in {@code onDevice} as device-side copies ({@link DeviceMemory.OnDevice}) instead of host arrays.
     */
    static Object[] results(Step.Segment segment, Object[] memory, boolean[] onDevice) {
        List<Object> out = new ArrayList<>();
        List<Binding> outputs = segment.outputs();
        for (int k = 0; k < outputs.size(); k++) {
            Object copy = copyOf(memory[outputs.get(k).buffer()]);
            out.add(onDevice[k] ? new DeviceMemory.OnDevice(copy) : copy);
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
