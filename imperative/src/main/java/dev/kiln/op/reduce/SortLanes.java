package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.OpDef;

/**
 * The lanes {@code sort}, {@code argsort} and {@code topk} order: an array seen as {@code (outer, length, inner)}
 * around the sort axis (or one lane over the flattened array when the axis is None). Ordering is a stable merge sort
 * (ties keep their original order in both directions, as MXNet's GPU sort does; its CPU {@code std::sort} leaves
 * tie order unspecified), and NaN sorts above every number: last when ascending, first when descending. Dtypes whose
 * values fit 32-bit keys sort packed (key, position) longs; float64 and int64 use a stable merge sort.
 *
 * @param outer  product of the dims before the axis
 * @param length the size of the axis
 * @param inner  product of the dims after the axis (the stride of the axis)
 */
record SortLanes(int outer, int length, int inner) {

    /** The lanes of {@code s} along {@code axis} (null: the flattened array). */
    static SortLanes of(OpDef op, Shape s, Integer axis) {
        if (axis == null) {
            return new SortLanes(1, s.size(), 1);
        }
        int nd = s.rank();
        if (axis < -nd || axis >= nd) {
            throw op.error("attribute 'axis' = " + axis + " is out of range for input 'data' of shape " + s
                    + " (rank " + nd + ")");
        }
        int a = axis < 0 ? axis + nd : axis;
        return new SortLanes(s.sizeOf(0, a), s.get(a), s.sizeOf(a + 1, nd));
    }

    int lanes() {
        return outer * inner;
    }

    /** Flat index of element 0 of {@code lane} in an array whose axis has {@code axisLength} elements. */
    int base(int lane, int axisLength) {
        return (lane / inner) * axisLength * inner + lane % inner;
    }

    /** Per-thread scratch space for {@link #order}. */
    static final class Scratch {
        final int[] idx;
        final int[] tmp;
        final double[] values;
        final long[] longs;

        final long[] keys;

        Scratch(int n, DType t) {
            idx = new int[n];
            boolean packed = packs(t);
            tmp = packed ? null : new int[n];
            values = packed || t == DType.INT64 ? null : new double[n];
            longs = t == DType.INT64 ? new long[n] : null;
            keys = packed ? new long[n] : null;
        }
    }

    /** True if every value of {@code t} maps to a 32-bit sort key, so a lane sorts as packed (key, position) longs. */
    private static boolean packs(DType t) {
        return t != DType.FLOAT64 && t != DType.INT64;
    }

    /**
     * A 32-bit key whose signed order is the sort order: integers as themselves, floats by their bits flipped so
     * that negatives order correctly, -0.0 as 0.0 and every NaN above +infinity.
     */
    private static int key(DType t, Object data, int p) {
        if (t.isIntegral()) {
            return (int) Storage.getLong(t, data, p);
        }
        float f = t == DType.FLOAT32 ? ((float[]) data)[p] : (float) Storage.get(t, data, p);
        int bits = Float.floatToIntBits(f == 0 ? 0f : f);
        return bits < 0 ? bits ^ 0x7fffffff : bits;
    }

    /** Sorts packed keys: value key in the high half (complemented for descending), position in the low half. */
    private void orderPacked(DType t, Object data, int base, boolean ascend, Scratch scratch) {
        int n = length;
        long[] keys = scratch.keys;
        for (int j = 0; j < n; j++) {
            int k = key(t, data, base + j * inner);
            keys[j] = ((long) (ascend ? k : ~k) << 32) | j;
        }
        java.util.Arrays.sort(keys, 0, n);
        for (int j = 0; j < n; j++) {
            scratch.idx[j] = (int) keys[j];
        }
    }

    /** Fills {@code scratch.idx} with the lane's element positions in sorted order. */
    void order(DType t, Object data, int lane, boolean ascend, Scratch scratch) {
        int n = length;
        int base = base(lane, n);
        if (scratch.keys != null) {
            orderPacked(t, data, base, ascend, scratch);
            return;
        }
        for (int j = 0; j < n; j++) {
            int p = base + j * inner;
            if (scratch.longs != null) {
                scratch.longs[j] = Storage.getLong(t, data, p);
            } else {
                scratch.values[j] = Storage.get(t, data, p);
            }
            scratch.idx[j] = j;
        }
        int[] a = scratch.idx;
        int[] b = scratch.tmp;
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    b[k++] = before(scratch, a[j], a[i], ascend) ? a[j++] : a[i++];
                }
                while (i < mid) {
                    b[k++] = a[i++];
                }
                while (j < hi) {
                    b[k++] = a[j++];
                }
            }
            int[] swap = a;
            a = b;
            b = swap;
        }
        if (a != scratch.idx) {
            System.arraycopy(a, 0, scratch.idx, 0, n);
        }
    }

    /** True if element {@code x} strictly precedes element {@code y}. */
    private static boolean before(Scratch s, int x, int y, boolean ascend) {
        if (s.longs != null) {
            return ascend ? s.longs[x] < s.longs[y] : s.longs[x] > s.longs[y];
        }
        double vx = s.values[x];
        double vy = s.values[y];
        boolean nx = Double.isNaN(vx);
        boolean ny = Double.isNaN(vy);
        if (nx || ny) {
            return ascend ? !nx : !ny;
        }
        return ascend ? vx < vy : vx > vy;
    }
}
