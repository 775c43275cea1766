package dev.kiln.tornado.kernel;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.tornado.kernel.Exprs.c;

/**
 * Kernels a runtime needs for itself rather than for a graph node. TornadoVM allocates and sends an array only for
 * a task that takes it, so the task graph that puts device-resident arrays on the device runs a "touch" kernel on
 * each: one work item rewrites element 0 with its own value, leaving the array unchanged.
 */
public final class ResidentKernels {
    /** At most this many arrays per touch kernel (a generated kernel takes at most 15 parameters). */
    public static final int MAX_ARRAYS = 15;

    private ResidentKernels() {
    }

    /**
     * The kernel touching one array per character of {@code types} ({@code F} float32, {@code I} int32), in
     * {@code flavor}'s arrays.
     */
    public static KernelClass touch(ArrayFlavor flavor, String types) {
        if (types.isEmpty() || types.length() > MAX_ARRAYS || !types.matches("[FI]+")) {
            throw new IllegalArgumentException("touch kernel: 1 to " + MAX_ARRAYS + " arrays of F or I, got '"
                    + types + "'");
        }
        return KernelCache.kernel(flavor, "touch_" + types, w -> {
            List<KernelWriter.Array> arrays = new ArrayList<>();
            for (int k = 0; k < types.length(); k++) {
                arrays.add(types.charAt(k) == 'F' ? w.floatArray("a" + k) : w.intArray("a" + k));
            }
            w.parallelFor("i", c(1), i -> {
                for (KernelWriter.Array a : arrays) {
                    if (a.isFloat()) {
                        w.store(a, i, w.load(a, i));
                    } else {
                        w.storeInt(a, i, w.loadInt(a, i));
                    }
                }
            });
        });
    }
}
