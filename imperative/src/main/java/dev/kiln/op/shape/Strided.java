package dev.kiln.op.shape;

import dev.kiln.parallel.Parallel;

/**
 * Copies between backing arrays of any dtype through strided views. Every op of this family reduces to these two
 * kernels: a view (offset plus a stride per axis, strides may be zero or negative) read into a contiguous array, and a
 * strided row copy. Contiguous runs go through {@link System#arraycopy}.
 */
final class Strided {
    /** Elements per parallel chunk. */
    private static final int GRAIN = 1 << 15;
    /** Side of the square tiles a transposing copy moves at a time. */
    private static final int TILE = 32;

    private Strided() {
    }

    /**
     * Copies {@code len} elements {@code src[srcOff + i * srcStride]} to {@code dst[dstOff + i * dstStride]}; both are
     * backing arrays of the same dtype.
     */
    static void copyRow(Object src, int srcOff, int srcStride, Object dst, int dstOff, int dstStride, int len) {
        if (len <= 0) {
            return;
        }
        if (srcStride == 1 && dstStride == 1) {
            System.arraycopy(src, srcOff, dst, dstOff, len);
            return;
        }
        switch (src) {
            case float[] s -> {
                float[] d = (float[]) dst;
                for (int i = 0, si = srcOff, di = dstOff; i < len; i++, si += srcStride, di += dstStride) {
                    d[di] = s[si];
                }
            }
            case double[] s -> {
                double[] d = (double[]) dst;
                for (int i = 0, si = srcOff, di = dstOff; i < len; i++, si += srcStride, di += dstStride) {
                    d[di] = s[si];
                }
            }
            case short[] s -> {
                short[] d = (short[]) dst;
                for (int i = 0, si = srcOff, di = dstOff; i < len; i++, si += srcStride, di += dstStride) {
                    d[di] = s[si];
                }
            }
            case byte[] s -> {
                byte[] d = (byte[]) dst;
                for (int i = 0, si = srcOff, di = dstOff; i < len; i++, si += srcStride, di += dstStride) {
                    d[di] = s[si];
                }
            }
            case int[] s -> {
                int[] d = (int[]) dst;
                for (int i = 0, si = srcOff, di = dstOff; i < len; i++, si += srcStride, di += dstStride) {
                    d[di] = s[si];
                }
            }
            case long[] s -> {
                long[] d = (long[]) dst;
                for (int i = 0, si = srcOff, di = dstOff; i < len; i++, si += srcStride, di += dstStride) {
                    d[di] = s[si];
                }
            }
            default -> throw new IllegalArgumentException("not a backing array: " + src.getClass());
        }
    }

    /**
     * Fills {@code dst} (row-major over {@code dims}) with the view of {@code src} whose element at index
     * {@code (i0, i1, ...)} is {@code src[offset + i0 * strides[0] + i1 * strides[1] + ...]}. Callers guarantee that
     * every addressed element lies inside {@code src}.
     */
    static void gather(Object src, int offset, int[] dims, int[] strides, Object dst) {
        long total = 1;
        for (int d : dims) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        // Coalesce: drop unit axes and merge neighbours that walk memory as one axis.
        int[] d = new int[dims.length];
        int[] s = new int[dims.length];
        int k = 0;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 1) {
                continue;
            }
            if (k > 0 && s[k - 1] == strides[i] * dims[i]) {
                d[k - 1] *= dims[i];
                s[k - 1] = strides[i];
            } else {
                d[k] = dims[i];
                s[k] = strides[i];
                k++;
            }
        }
        if (k == 0) {
            copyRow(src, offset, 1, dst, 0, 1, 1);
            return;
        }
        int len = d[k - 1];
        int stride = s[k - 1];
        if (stride != 1 && stride != 0) {
            for (int j = 0; j < k - 1; j++) {
                if (s[j] == 1) {
                    gatherTiled(src, offset, d, s, k, j, dst);
                    return;
                }
            }
        }
        int rows = (int) (total / len);
        int outer = k - 1;
        Parallel.forRange(rows, Math.max(1, GRAIN / len), (from, to) -> {
            int[] idx = new int[outer];
            int base = offset;
            int rem = from;
            for (int a = outer - 1; a >= 0; a--) {
                idx[a] = rem % d[a];
                rem /= d[a];
                base += idx[a] * s[a];
            }
            for (int row = from; row < to; row++) {
                copyRow(src, base, stride, dst, row * len, 1, len);
                for (int a = outer - 1; a >= 0; a--) {
                    idx[a]++;
                    base += s[a];
                    if (idx[a] < d[a]) {
                        break;
                    }
                    base -= s[a] * d[a];
                    idx[a] = 0;
                }
            }
        });
    }

    /**
     * The inverse of {@link #gather}: writes the contiguous {@code src} (row-major over {@code dims}) into the view of
     * {@code dst} at {@code offset} with {@code strides}. The view must address each element at most once (no zero
     * strides), which slices and diagonals guarantee, so rows may be written in parallel.
     */
    static void scatter(Object src, Object dst, int offset, int[] dims, int[] strides) {
        int r = dims.length;
        if (r == 0) {
            copyRow(src, 0, 1, dst, offset, 1, 1);
            return;
        }
        int len = dims[r - 1];
        int stride = strides[r - 1];
        int rows = product(dims, 0, r - 1);
        if (len == 0 || rows == 0) {
            return;
        }
        Parallel.forRange(rows, Math.max(1, GRAIN / len), (from, to) -> {
            for (int row = from; row < to; row++) {
                int base = offset;
                int rem = row;
                for (int a = r - 2; a >= 0; a--) {
                    base += (rem % dims[a]) * strides[a];
                    rem /= dims[a];
                }
                copyRow(src, row * len, 1, dst, base, stride, len);
            }
        });
    }

    /**
     * A coalesced view whose innermost axis is strided but whose axis {@code j} walks the source contiguously (a
     * transpose): copies square tiles of axes {@code j} and {@code k-1} so that reads and writes both stay in cache.
     */
    private static void gatherTiled(Object src, int offset, int[] d, int[] s, int k, int j, Object dst) {
        int[] os = stridesOf(java.util.Arrays.copyOf(d, k));
        int nj = d[j];
        int ni = d[k - 1];
        int si = s[k - 1];
        int osj = os[j];
        int tilesJ = (nj + TILE - 1) / TILE;
        int others = 1;
        for (int a = 0; a < k - 1; a++) {
            if (a != j) {
                others *= d[a];
            }
        }
        Parallel.forRange(others * tilesJ, Math.max(1, GRAIN / (TILE * ni)), (from, to) -> {
            for (int t = from; t < to; t++) {
                int rem = t / tilesJ;
                int j0 = (t % tilesJ) * TILE;
                int j1 = Math.min(nj, j0 + TILE);
                int inBase = offset;
                int outBase = 0;
                for (int a = k - 2; a >= 0; a--) {
                    if (a != j) {
                        int idx = rem % d[a];
                        rem /= d[a];
                        inBase += idx * s[a];
                        outBase += idx * os[a];
                    }
                }
                for (int i0 = 0; i0 < ni; i0 += TILE) {
                    int i1 = Math.min(ni, i0 + TILE);
                    for (int i = i0; i < i1; i++) {
                        copyRow(src, inBase + j0 + i * si, 1, dst, outBase + j0 * osj + i, osj, j1 - j0);
                    }
                }
            }
        });
    }

    /**
     * Copies {@code blocks} runs of {@code len} contiguous elements: run {@code b} goes from
     * {@code src[srcOff + b * srcPitch]} to {@code dst[dstOff + b * dstPitch]} (concatenation and stacking).
     */
    static void blocks(Object src, int srcOff, int srcPitch, Object dst, int dstOff, int dstPitch, int blocks, int len) {
        if (len <= 0 || blocks <= 0) {
            return;
        }
        Parallel.forRange(blocks, Math.max(1, GRAIN / len), (from, to) -> {
            for (int b = from; b < to; b++) {
                System.arraycopy(src, srcOff + b * srcPitch, dst, dstOff + b * dstPitch, len);
            }
        });
    }

    /** Row-major strides of {@code dims}. */
    static int[] stridesOf(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Product of {@code dims[from, to)}. */
    static int product(int[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return Math.toIntExact(p);
    }
}
