package dev.kiln.op.reduce;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.op.OpDef;

import java.util.Arrays;

/**
 * Which input axes a reduction covers and the shape it leaves, by MXNet's rules: {@code axis=None} or {@code ()}
 * reduces everything, {@code exclude} reduces the axes not listed, and a reduction that keeps no dimension yields
 * shape {@code (1,)} rather than a 0-d array (legacy NDArray semantics).
 *
 * @param reduced  per input dimension, true if it is reduced
 * @param outShape the output shape
 */
public record ReduceAxes(boolean[] reduced, Shape outShape) {

    /** The axes of a multi-axis reduction ({@code sum}, {@code norm}, ...). */
    public static ReduceAxes of(OpDef op, Shape in, IntTuple axis, boolean keepdims, boolean exclude) {
        int nd = in.rank();
        boolean[] reduced = new boolean[nd];
        if (axis == null || axis.isEmpty()) {
            Arrays.fill(reduced, true);
            return new ReduceAxes(reduced, keepdims ? ones(nd) : Shape.of(1));
        }
        boolean[] listed = new boolean[nd];
        for (int i = 0; i < axis.size(); i++) {
            int a = axis.get(i);
            int n = a < 0 ? a + nd : a;
            if (n < 0 || n >= nd) {
                throw op.error("attribute 'axis' " + axis + ": axis " + a + " is out of range for input 'data' of shape "
                        + in + " (rank " + nd + ")");
            }
            if (listed[n]) {
                throw op.error("attribute 'axis' " + axis + " names axis " + n + " twice (input shape " + in + ")");
            }
            listed[n] = true;
        }
        int[] dims = in.dims();
        int[] out = new int[nd];
        int k = 0;
        for (int i = 0; i < nd; i++) {
            reduced[i] = exclude != listed[i];
            if (keepdims) {
                out[k++] = reduced[i] ? 1 : dims[i];
            } else if (!reduced[i]) {
                out[k++] = dims[i];
            }
        }
        Shape s = k == 0 ? Shape.of(1) : Shape.partial(Arrays.copyOf(out, k));
        return new ReduceAxes(reduced, s);
    }

    /**
     * The axis of a single-axis reduction ({@code argmax}, {@code pick}): {@code axis=None} or a 1-d input reduces
     * everything to {@code (1,)} (all ones with {@code keepdims}); otherwise the axis is removed or kept as 1.
     */
    public static ReduceAxes single(OpDef op, Shape in, Integer axis, boolean keepdims) {
        int nd = in.rank();
        boolean[] reduced = new boolean[nd];
        if (axis == null || nd == 1) {
            if (axis != null) {
                checkAxis(op, in, axis);
            }
            Arrays.fill(reduced, true);
            return new ReduceAxes(reduced, keepdims ? ones(nd) : Shape.of(1));
        }
        int a = checkAxis(op, in, axis);
        reduced[a] = true;
        return new ReduceAxes(reduced, keepdims ? in.with(a, 1) : in.remove(a));
    }

    /** Normalises {@code axis} against {@code in}'s rank, naming the op and shape when it is out of range. */
    public static int checkAxis(OpDef op, Shape in, int axis) {
        int nd = in.rank();
        if (nd == 0 && (axis == 0 || axis == -1)) {
            return 0;
        }
        if (axis < -nd || axis >= nd) {
            throw op.error("attribute 'axis' = " + axis + " is out of range for input of shape " + in + " (rank "
                    + nd + ")");
        }
        return axis < 0 ? axis + nd : axis;
    }

    private static Shape ones(int nd) {
        int[] d = new int[nd];
        Arrays.fill(d, 1);
        return Shape.of(d);
    }
}
