package dev.kiln.op.surface;

import java.util.ArrayList;
import java.util.List;

/** Helpers the generated surface calls. */
public final class SurfaceSupport {
    private SurfaceSupport() {
    }

    /** The given inputs in order, leaving out nulls (optional inputs the caller omitted, e.g. a bias). */
    @SafeVarargs
    public static <T> List<T> inputs(T... values) {
        List<T> out = new ArrayList<>(values.length);
        for (T v : values) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }
}
