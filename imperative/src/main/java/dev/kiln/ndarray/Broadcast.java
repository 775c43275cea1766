package dev.kiln.ndarray;

/**
 * Index maps for NumPy broadcasting: for each element of an output shape, the flat index of the element of a
 * (smaller or equal) input shape that broadcasts onto it. Shared by every kernel that broadcasts.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /**
     * For each row-major position of {@code out}, the flat index into an array of shape {@code in}, where {@code in}
     * broadcasts to {@code out} (right-aligned, dims equal or 1).
     */
    public static int[] indexMap(Shape in, Shape out) {
        int n = out.size();
        int[] map = new int[n];
        int r = out.rank();
        int ri = in.rank();
        if (ri > r) {
            throw new dev.kiln.KilnException("shape " + in + " cannot broadcast to " + out);
        }
        int[] od = out.dims();
        int[] stride = new int[r];
        int[] inStrides = in.strides();
        for (int i = 0; i < r; i++) {
            int k = i - (r - ri);
            if (k < 0) {
                stride[i] = 0;
            } else {
                int d = in.get(k);
                if (d != od[i] && d != 1) {
                    throw new dev.kiln.KilnException("shape " + in + " cannot broadcast to " + out);
                }
                stride[i] = d == 1 ? 0 : inStrides[k];
            }
        }
        int[] idx = new int[r];
        int pos = 0;
        for (int f = 0; f < n; f++) {
            map[f] = pos;
            for (int i = r - 1; i >= 0; i--) {
                idx[i]++;
                pos += stride[i];
                if (idx[i] < od[i]) {
                    break;
                }
                pos -= stride[i] * idx[i];
                idx[i] = 0;
            }
        }
        return map;
    }

    /** A copy of {@code a} broadcast to {@code target} (same dtype and device). */
    public static NDArray to(NDArray a, Shape target) {
        if (a.shape().equals(target)) {
            return a.copy();
        }
        int[] map = indexMap(a.shape(), target);
        NDArray out = NDArray.zeros(target, a.dtype(), a.device());
        gather(a.dtype(), a.data(), map, out.data());
        return out;
    }

    /** {@code dst[i] = src[map[i]]} for backing arrays of one dtype. */
    public static void gather(DType t, Object src, int[] map, Object dst) {
        switch (src) {
            case float[] s -> {
                float[] d = (float[]) dst;
                for (int i = 0; i < map.length; i++) {
                    d[i] = s[map[i]];
                }
            }
            case double[] s -> {
                double[] d = (double[]) dst;
                for (int i = 0; i < map.length; i++) {
                    d[i] = s[map[i]];
                }
            }
            case short[] s -> {
                short[] d = (short[]) dst;
                for (int i = 0; i < map.length; i++) {
                    d[i] = s[map[i]];
                }
            }
            case byte[] s -> {
                byte[] d = (byte[]) dst;
                for (int i = 0; i < map.length; i++) {
                    d[i] = s[map[i]];
                }
            }
            case int[] s -> {
                int[] d = (int[]) dst;
                for (int i = 0; i < map.length; i++) {
                    d[i] = s[map[i]];
                }
            }
            case long[] s -> {
                long[] d = (long[]) dst;
                for (int i = 0; i < map.length; i++) {
                    d[i] = s[map[i]];
                }
            }
            default -> throw new IllegalArgumentException("not a backing array of " + t);
        }
    }
}
