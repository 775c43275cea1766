package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;

import java.util.Arrays;

/**
 * Lowers convolution to matrix multiply: {@code im2col} copies every kernel tap of a channels-second image into a
 * (channels * taps) x (grid positions) column matrix (zeros where a tap falls in the padding), and {@code col2im}
 * scatters such a matrix back into an image, summing overlapping taps (the transposed convolution). Rows are ordered
 * channel, then depth, height, width tap, matching MXNet's weight layout. The geometry of one channel's taps is
 * worked out once per call ({@link Runs}); the per-channel loops are then plain typed copies that HotSpot inlines and
 * vectorises (these are the hottest loops of a convolution after the product itself).
 */
final class Im2Col {
    /** Whether stride-2 runs are copied and summed with vectors ({@link VectorStrideTwo}). */
    private static final boolean VECTOR = VectorSupport.isAvailable();

    private Im2Col() {
    }

    /**
     * One channel's taps as grid rows, in column-matrix order (tap, then grid depth, then grid height): run {@code r}
     * fills columns {@code [(r % gridRows) * gw, ... + gw)} of row {@code r / gridRows} of the channel's block, grid
     * element {@code g} in {@code [lo[r], hi[r])} reading image element {@code offset[r] + g * sw} of the channel's
     * plane; the rest of the run, and the whole run when {@code offset[r]} is {@link #OUTSIDE}, lies in the padding.
     */
    record Runs(int[] offset, int[] lo, int[] hi, int gridRows, int gw, int sw) {
        /** Offset of a run whose grid row lies wholly in the padding. */
        static final int OUTSIDE = Integer.MIN_VALUE;

        static Runs of(Window w) {
            int[] im = w.image();
            int[] gr = w.grid();
            int[] k = w.kernel();
            int[] s = w.stride();
            int[] d = w.dilate();
            int[] p = w.pad();
            int gw = gr[2];
            int gridRows = gr[0] * gr[1];
            int n = w.kernelSize() * gridRows;
            int[] offset = new int[n];
            int[] lo = new int[n];
            int[] hi = new int[n];
            int r = 0;
            for (int kd = 0; kd < k[0]; kd++) {
                for (int kh = 0; kh < k[1]; kh++) {
                    for (int kw = 0; kw < k[2]; kw++) {
                        int shift = kw * d[2] - p[2];
                        int first = Window.firstInside(shift, s[2], gw);
                        int end = Window.endInside(shift, s[2], im[2], gw, first);
                        for (int gz = 0; gz < gr[0]; gz++) {
                            int iz = gz * s[0] - p[0] + kd * d[0];
                            for (int gy = 0; gy < gr[1]; gy++, r++) {
                                int iy = gy * s[1] - p[1] + kh * d[1];
                                boolean inside = iz >= 0 && iz < im[0] && iy >= 0 && iy < im[1];
                                offset[r] = inside ? (iz * im[1] + iy) * im[2] + shift : OUTSIDE;
                                lo[r] = first;
                                hi[r] = end;
                            }
                        }
                    }
                }
            }
            return new Runs(offset, lo, hi, gridRows, gw, s[2]);
        }

        /** Where run {@code r} of channel {@code c} starts in a column matrix of {@code taps} taps, row stride {@code ld}. */
        int column(int c, int r, int taps, int ld) {
            int tap = r / gridRows;
            return (c * taps + tap) * ld + (r - tap * gridRows) * gw;
        }
    }

    /**
     * Fills the rows of channels {@code [cFrom, cTo)} of a (channels * taps) x gridSize column matrix stored at
     * {@code col[colOff...]} with row stride {@code ld} from the image at {@code x[xOff...]}. A stride wider than the
     * grid lets several images' matrices sit side by side as one wider matrix.
     */
    static void im2col(float[] x, int xOff, int cFrom, int cTo, Window w, float[] col, int colOff, int ld) {
        if (isSamePlanar(w)) {
            im2colSamePlanar(x, xOff, cFrom, cTo, w, col, colOff, ld);
        } else {
            im2colRuns(x, xOff, cFrom, cTo, w, col, colOff, ld);
        }
    }

    /**
     * True for a 1-D or 2-D window of unit stride whose grid is as wide as the image ("same" padding along the
     * width, as in every 3x3 pad-1 layer): each column-matrix row is then the image plane shifted by a constant, so
     * it is one contiguous copy with the padding columns and rows zeroed after ({@link #im2colSamePlanar}).
     */
    static boolean isSamePlanar(Window w) {
        return w.image()[0] == 1 && w.grid()[0] == 1 && w.kernel()[0] == 1 && w.pad()[0] == 0
                && w.stride()[1] == 1 && w.stride()[2] == 1 && w.grid()[2] == w.image()[2];
    }

    /** {@link #im2col} for a window {@link #isSamePlanar}: one copy per tap row, then the padding zeroed. */
    static void im2colSamePlanar(float[] x, int xOff, int cFrom, int cTo, Window w, float[] col, int colOff,
                                 int ld) {
        int[] k = w.kernel();
        int[] d = w.dilate();
        int[] p = w.pad();
        int width = w.image()[2];
        int height = w.image()[1];
        int gh = w.grid()[1];
        int gw = width;
        int plane = w.imageSize();
        int taps = w.kernelSize();
        for (int c = cFrom; c < cTo; c++) {
            int base = xOff + c * plane;
            int row = c * taps;
            for (int kh = 0; kh < k[1]; kh++) {
                int dy = kh * d[1] - p[1];
                int gy0 = Math.min(gh, Math.max(0, -dy));
                int gy1 = Math.max(gy0, Math.min(gh, height - dy));
                for (int kw = 0; kw < k[2]; kw++, row++) {
                    int shift = kw * d[2] - p[2];
                    int lo = Window.firstInside(shift, 1, gw);
                    int hi = Window.endInside(shift, 1, width, gw, lo);
                    int dst = colOff + row * ld;
                    Arrays.fill(col, dst, dst + gy0 * gw, 0f);
                    Arrays.fill(col, dst + gy1 * gw, dst + gh * gw, 0f);
                    if (gy1 == gy0 || hi == lo) {
                        Arrays.fill(col, dst + gy0 * gw, dst + gy1 * gw, 0f);
                        continue;
                    }
                    // grid element (gy, g) reads image element (gy + dy) * width + g + shift: one constant offset
                    int from = gy0 * gw + lo;
                    int to = (gy1 - 1) * gw + hi;
                    System.arraycopy(x, base + from + dy * width + shift, col, dst + from, to - from);
                    if (lo > 0 || hi < gw) {
                        for (int gy = gy0; gy < gy1; gy++) {
                            int r = dst + gy * gw;
                            for (int g = 0; g < lo; g++) {
                                col[r + g] = 0f;
                            }
                            for (int g = hi; g < gw; g++) {
                                col[r + g] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@link #im2col} of any window, run by run. */
    static void im2colRuns(float[] x, int xOff, int cFrom, int cTo, Window w, float[] col, int colOff, int ld) {
        Runs runs = Runs.of(w);
        int[] offset = runs.offset();
        int gw = runs.gw();
        int sw = runs.sw();
        for (int c = cFrom; c < cTo; c++) {
            int base = xOff + c * w.imageSize();
            for (int r = 0; r < offset.length; r++) {
                int dst = colOff + runs.column(c, r, w.kernelSize(), ld);
                int a = offset[r] == Runs.OUTSIDE ? gw : runs.lo()[r];
                int b = offset[r] == Runs.OUTSIDE ? gw : runs.hi()[r];
                for (int g = 0; g < a; g++) {
                    col[dst + g] = 0f;
                }
                int src = base + offset[r];
                if (sw == 1) {
                    for (int g = a; g < b; g++) {
                        col[dst + g] = x[src + g];
                    }
                } else {
                    int g = sw == 2 && VECTOR ? VectorStrideTwo.copy(x, src, col, dst, a, b) : a;
                    for (; g < b; g++) {
                        col[dst + g] = x[src + g * sw];
                    }
                }
                for (int g = b; g < gw; g++) {
                    col[dst + g] = 0f;
                }
            }
        }
    }

    /** Double-precision im2col of all channels of one image into a gridSize-strided column matrix. */
    static void im2col(double[] x, int xOff, int channels, Window w, double[] col) {
        Runs runs = Runs.of(w);
        int gw = runs.gw();
        int taps = w.kernelSize();
        int ld = w.gridSize();
        for (int c = 0; c < channels; c++) {
            int base = xOff + c * w.imageSize();
            for (int r = 0; r < runs.offset().length; r++) {
                int dst = runs.column(c, r, taps, ld);
                boolean outside = runs.offset()[r] == Runs.OUTSIDE;
                int a = outside ? gw : runs.lo()[r];
                int b = outside ? gw : runs.hi()[r];
                for (int g = 0; g < gw; g++) {
                    col[dst + g] = g >= a && g < b ? x[base + runs.offset()[r] + g * runs.sw()] : 0.0;
                }
            }
        }
    }

    /**
     * Adds every entry of the rows of channels {@code [cFrom, cTo)} of the column matrix stored at
     * {@code col[colOff...]} with row stride {@code ld} (one image's columns, possibly among several images' side by
     * side) into its tap of the image at {@code y[yOff...]} (which the caller zeroes first). Distinct channel ranges
     * write distinct image planes.
     */
    static void col2im(float[] col, int colOff, int ld, int cFrom, int cTo, Window w, float[] y, int yOff) {
        Runs runs = Runs.of(w);
        int[] offset = runs.offset();
        for (int c = cFrom; c < cTo; c++) {
            int base = yOff + c * w.imageSize();
            for (int r = 0; r < offset.length; r++) {
                if (offset[r] == Runs.OUTSIDE) {
                    continue;
                }
                int src = colOff + runs.column(c, r, w.kernelSize(), ld);
                int dst = base + offset[r];
                int lo = runs.lo()[r];
                int hi = runs.hi()[r];
                if (runs.sw() == 1) {
                    for (int g = lo; g < hi; g++) {
                        y[dst + g] += col[src + g];
                    }
                } else {
                    int g = runs.sw() == 2 && VECTOR ? VectorStrideTwo.addInto(col, src, y, dst, lo, hi) : lo;
                    for (; g < hi; g++) {
                        y[dst + g * runs.sw()] += col[src + g];
                    }
                }
            }
        }
    }

    /**
     * Whether the taps of a transposed convolution's window tile its output exactly: kernel equal to stride, no
     * padding or dilation, and the output exactly the grid times the stride (the 2 x 2 stride-2 upsampling of a
     * UNet). Each output element is then one entry of the column matrix ({@link #placeTiles}).
     */
    static boolean tilesExactly(Window w) {
        for (int i = 0; i < 3; i++) {
            if (w.kernel()[i] != w.stride()[i] || w.pad()[i] != 0 || w.dilate()[i] != 1
                    || w.image()[i] != w.grid()[i] * w.stride()[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #col2im} for a window that {@link #tilesExactly}, writing instead of adding, with the bias (unless
     * null) of each plane: every element of planes {@code [cFrom, cTo)} of the image at {@code y[yOff...]} becomes
     * its column entry plus 0 plus the bias, which is bitwise what col2im onto a cleared image and then the bias
     * give (adding 0 turns a negative zero positive, as the sum onto a cleared image does).
     */
    static void placeTiles(float[] col, int colOff, int ld, int cFrom, int cTo, Window w, float[] bias, float[] y,
                           int yOff) {
        int[] im = w.image();
        int[] gr = w.grid();
        int[] k = w.kernel();
        int taps = w.kernelSize();
        for (int c = cFrom; c < cTo; c++) {
            float b = bias == null ? 0f : bias[c];
            int plane = yOff + c * w.imageSize();
            for (int kd = 0; kd < k[0]; kd++) {
                for (int kh = 0; kh < k[1]; kh++) {
                    int tapRow = c * taps + (kd * k[1] + kh) * k[2];
                    for (int gz = 0; gz < gr[0]; gz++) {
                        for (int gy = 0; gy < gr[1]; gy++) {
                            int dst = plane + ((gz * k[0] + kd) * im[1] + gy * k[1] + kh) * im[2];
                            int src = colOff + tapRow * ld + (gz * gr[1] + gy) * gr[2];
                            if (k[2] == 2) {
                                // the two taps of a row interleave: one contiguous output row
                                int g = VECTOR ? VectorStrideTwo.interleave(col, src, src + ld, b, y, dst, gr[2]) : 0;
                                for (; g < gr[2]; g++) {
                                    y[dst + 2 * g] = (col[src + g] + 0f) + b;
                                    y[dst + 2 * g + 1] = (col[src + ld + g] + 0f) + b;
                                }
                                continue;
                            }
                            for (int kw = 0; kw < k[2]; kw++, src += ld) {
                                for (int g = 0; g < gr[2]; g++) {
                                    y[dst + g * k[2] + kw] = (col[src + g] + 0f) + b;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Double-precision col2im of all channels. */
    static void col2im(double[] col, int channels, Window w, double[] y, int yOff) {
        Runs runs = Runs.of(w);
        int taps = w.kernelSize();
        int ld = w.gridSize();
        for (int c = 0; c < channels; c++) {
            int base = yOff + c * w.imageSize();
            for (int r = 0; r < runs.offset().length; r++) {
                if (runs.offset()[r] == Runs.OUTSIDE) {
                    continue;
                }
                int src = runs.column(c, r, taps, ld);
                int dst = base + runs.offset()[r];
                for (int g = runs.lo()[r]; g < runs.hi()[r]; g++) {
                    y[dst + g * runs.sw()] += col[src + g];
                }
            }
        }
    }
}
