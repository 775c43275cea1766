package dev.kiln.op.indexing;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;

/**
 * How an index value is mapped onto {@code [0, size)}, MXNet's {@code mode} attribute: {@code clip} clamps to the
 * ends, {@code wrap} wraps around (Python-style modulo), {@code raise} rejects anything out of range. Index values are
 * truncated toward zero first, as C++'s cast does. An axis of size 0 can be indexed by nothing, in every mode.
 */
public enum IndexMode {
    CLIP, WRAP, RAISE;

    /** The mode named by MXNet's string ({@code clip}, {@code wrap}, {@code raise}). */
    public static IndexMode of(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * Maps index value {@code v} onto an axis of {@code size} elements.
     *
     * @param op    the op, for error messages
     * @param arg   the input holding the index, for error messages
     * @param axis  the indexed axis of {@code shape}, for error messages
     * @param shape the indexed array's shape, for error messages
     */
    public int resolve(OpDef op, String arg, double v, int size, int axis, Shape shape) {
        if (size == 0) {
            throw op.error("input '" + arg + "' holds index " + format(v) + " but axis " + axis + " of shape " + shape
                    + " has size 0");
        }
        long j = Casting.doubleToInt64(v);
        return switch (this) {
            case CLIP -> (int) Math.max(0, Math.min(size - 1, j));
            case WRAP -> (int) Math.floorMod(j, (long) size);
            case RAISE -> {
                if (!(v >= 0 && v <= size - 1)) {
                    throw op.error("input '" + arg + "' holds index " + format(v) + ", out of range [0, " + (size - 1)
                            + "] for axis " + axis + " of shape " + shape + " (mode='raise')");
                }
                yield (int) j;
            }
        };
    }

    /** Resolves every element of {@code indices} against an axis of {@code size} elements. */
    public int[] resolveAll(OpDef op, String arg, NDArray indices, int size, int axis, Shape shape) {
        int n = indices.size();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = resolve(op, arg, indices.getDouble(i), size, axis, shape);
        }
        return out;
    }

    /** An index value as a user wrote it: {@code 7} rather than {@code 7.0}. */
    static String format(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e18 ? Long.toString((long) v)
                : Double.toString(v);
    }
}
