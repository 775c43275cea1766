package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.simd.VectorSupport;

import java.util.Arrays;

/**
 * The column matrix of a float32 convolution ({@link Im2Col}) for several images side by side, produced straight in
 * the panels {@link Gemm} packs B into, for a window {@link Im2Col#isSamePlanar}: the product reads each element once
 * from the images, instead of im2col writing the whole matrix and the product then copying it into panels. Row
 * {@code (c, tap)}, column {@code i * grid + position} holds image {@code i}'s channel {@code c} at that tap, or zero
 * in the padding; with such a window a row is one image plane shifted by a constant ({@link Taps}).
 *
 * @param x      the images
 * @param xOff   where the first image's first channel (of the group) starts in {@code x}
 * @param image  elements of one channel plane
 * @param stride elements from one image to the next
 * @param taps   the window's per-tap geometry
 */
record ColumnPanels(float[] x, int xOff, int image, int stride, Taps taps) implements Gemm.PanelSource {
    /** Whether panels a whole number of vectors wide are filled by {@link VectorColumns}. */
    private static final boolean VECTOR = VectorSupport.isAvailable();

    /**
     * Per kernel tap {@code t}: grid position {@code g} reads image element {@code g + delta[t]} of the channel plane
     * where {@code inside[t * grid + g]}, and is zero (padding) elsewhere; {@code bits[t * grid + g]} holds
     * the same for positions {@code g, g + 1, ...} (to the end of the image) as bits, lowest first.
     */
    record Taps(int grid, int[] delta, boolean[] inside, long[] bits) {
        /** The taps of a window that {@link Im2Col#isSamePlanar}. */
        static Taps of(Window w) {
            int grid = w.gridSize();
            int width = w.image()[2];
            int[] delta = new int[w.kernelSize()];
            boolean[] inside = new boolean[w.kernelSize() * grid];
            for (int kh = 0, t = 0; kh < w.kernel()[1]; kh++) {
                int dy = kh * w.dilate()[1] - w.pad()[1];
                for (int kw = 0; kw < w.kernel()[2]; kw++, t++) {
                    int dx = kw * w.dilate()[2] - w.pad()[2];
                    delta[t] = dy * width + dx;
                    for (int gy = 0; gy < w.grid()[1]; gy++) {
                        for (int gx = 0; gx < width; gx++) {
                            inside[t * grid + gy * width + gx] = gy + dy >= 0 && gy + dy < w.image()[1]
                                    && gx + dx >= 0 && gx + dx < width;
                        }
                    }
                }
            }
            // bits[t * grid + g]: bit l says whether position g + l (of the same image) is inside, l < 64
            long[] bits = new long[w.kernelSize() * grid];
            for (int t = 0; t < delta.length; t++) {
                long run = 0;
                for (int g = grid - 1; g >= 0; g--) {
                    run = run << 1 | (inside[t * grid + g] ? 1 : 0);
                    bits[t * grid + g] = run;
                }
            }
            return new Taps(grid, delta, inside, bits);
        }
    }

    @Override
    public void pack(int p0, int kc, int j0, int nc, int nr, float[] dst, int dstOff) {
        int grid = taps.grid();
        for (int q = 0; q < nc; q += nr) {
            int width = Math.min(nr, nc - q);
            int d = dstOff + q * kc;
            if (width < nr) {
                Arrays.fill(dst, d, d + nr * kc, 0f);
            }
            int w = 0;
            if (VECTOR && nr % VectorColumns.LANES == 0) {
                w = VectorColumns.fill(this, p0, kc, j0 + q, width, dst, d, nr);
            }
            // the rest of the panel's columns in pieces that lie in one image each
            while (w < width) {
                int j = j0 + q + w;
                int img = j / grid;
                int pos = j - img * grid;
                int len = Math.min(width - w, grid - pos);
                piece(p0, kc, img, pos, pos + len, dst, d + w - pos, nr);
                w += len;
            }
        }
    }

    /**
     * Grid positions {@code [pos, end)} of image {@code img}'s rows {@code [p0, p0 + kc)}, position {@code g} of row
     * {@code p0 + p} written to {@code dst[at + p * nr + g]}.
     */
    void piece(int p0, int kc, int img, int pos, int end, float[] dst, int at, int nr) {
        int kernel = taps.delta().length;
        int grid = taps.grid();
        boolean[] inside = taps.inside();
        int imageOff = xOff + img * stride;
        int c = p0 / kernel;
        int tap = p0 - c * kernel;
        int plane = imageOff + c * image;
        for (int p = 0; p < kc; p++, at += nr) {
            int src = plane + taps.delta()[tap];
            int in = tap * grid;
            for (int g = pos; g < end; g++) {
                dst[at + g] = inside[in + g] ? x[src + g] : 0f;
            }
            if (++tap == kernel) {
                tap = 0;
                plane += image;
            }
        }
    }
}
