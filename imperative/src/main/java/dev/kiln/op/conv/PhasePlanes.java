package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;

/**
 * An image's zero-padded channel planes split by stride phase, so that every tap of a strided 2-D window reads its
 * grid positions as contiguous runs, as a unit-stride window reads a padded plane: phase {@code (p, q)} of a channel
 * holds padded element {@code (sh i + p, sw j + q)} at {@code (i, j)}, in a plane of {@code rows x cols}. Tap
 * {@code (kh, kw)} at grid position {@code (gy, gx)} reads padded element {@code (sh gy + kh dh, sw gx + kw dw)}, which
 * is phase {@code (kh dh % sh, kw dw % sw)} at {@code (gy + kh dh / sh, gx + kw dw / sw)}. With unit strides there is
 * one phase, the padded plane itself.
 *
 * @param rows rows of a phase plane: the grid height plus the furthest tap row's phase offset
 * @param cols columns of a phase plane: the grid width plus the furthest tap column's phase offset
 */
record PhasePlanes(Window win, int rows, int cols) {
    private static final boolean VECTOR = VectorSupport.isAvailable();

    /** The phase planes of a 2-D window ({@code win.image()[0] == 1}). */
    static PhasePlanes of(Window win) {
        int rows = win.grid()[1] + (win.kernel()[1] - 1) * win.dilate()[1] / win.stride()[1];
        int cols = win.grid()[2] + (win.kernel()[2] - 1) * win.dilate()[2] / win.stride()[2];
        return new PhasePlanes(win, rows, cols);
    }

    /** Whether the window has unit strides (one phase, the padded plane). */
    boolean unitStride() {
        return win.stride()[1] == 1 && win.stride()[2] == 1;
    }

    /** Floats of one phase plane. */
    int plane() {
        return rows * cols;
    }

    /** Floats of one channel's phase planes. */
    int channel() {
        return win.stride()[1] * win.stride()[2] * plane();
    }

    /**
     * Where each tap (channel, then kernel row, then kernel column, the weight's order) reads for grid position
     * (0, 0), in planes written by {@link #split}.
     */
    int[] tapOffsets(int channels) {
        int kh = win.kernel()[1];
        int kw = win.kernel()[2];
        int sh = win.stride()[1];
        int sw = win.stride()[2];
        int[] offsets = new int[channels * kh * kw];
        for (int c = 0, t = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                int dy = i * win.dilate()[1];
                for (int j = 0; j < kw; j++, t++) {
                    int dx = j * win.dilate()[2];
                    int phase = (c * sh + dy % sh) * sw + dx % sw;
                    offsets[t] = phase * plane() + dy / sh * cols + dx / sw;
                }
            }
        }
        return offsets;
    }

    /**
     * Writes the phase planes of {@code channels} planes of {@code x} (from {@code xOff}) into {@code xp} from
     * {@code at}, every element of them (padding as zeros).
     */
    void split(float[] x, int xOff, int channels, float[] xp, int at) {
        if (unitStride()) {
            VectorDirectConv.pad(x, xOff, channels, win, xp, at);
            return;
        }
        int sh = win.stride()[1];
        int sw = win.stride()[2];
        int height = win.image()[1];
        int width = win.image()[2];
        int padTop = win.pad()[1];
        int padLeft = win.pad()[2];
        for (int c = 0; c < channels; c++) {
            int src = xOff + c * height * width;
            for (int p = 0; p < sh; p++) {
                for (int i = 0; i < rows; i++) {
                    int y = sh * i + p - padTop;
                    for (int q = 0; q < sw; q++) {
                        int dst = at + ((c * sh + p) * sw + q) * plane() + i * cols;
                        if (y < 0 || y >= height) {
                            PaddedPanels.zero(xp, dst, dst + cols);
                            continue;
                        }
                        // column j reads image column sw j + q - padLeft: inside for j in [lo, hi)
                        int lo = Math.min(cols, Math.max(0, Math.ceilDiv(padLeft - q, sw)));
                        int hi = Math.max(lo, Math.min(cols, Math.ceilDiv(width + padLeft - q, sw)));
                        int first = src + y * width + q - padLeft;
                        PaddedPanels.zero(xp, dst, dst + lo);
                        int j = sw == 2 && VECTOR ? VectorStrideTwo.copy(x, first, xp, dst, lo, hi) : lo;
                        for (; j < hi; j++) {
                            xp[dst + j] = x[first + sw * j];
                        }
                        PaddedPanels.zero(xp, dst + hi, dst + cols);
                    }
                }
            }
        }
    }
}
