package dev.kiln.op.conv;

import java.util.Arrays;

/**
 * Lowers convolution to matrix multiply: {@code im2col} copies every kernel tap of a channels-second image into a
 * (channels * taps) x (grid positions) column matrix (zeros where a tap falls in the padding), and {@code col2im}
 * scatters such a matrix back into an image, summing overlapping taps (the transposed convolution). Rows are ordered
 * channel, then depth, height, width tap, matching MXNet's weight layout. One traversal ({@link #forEachRun}) walks
 * the taps and grid rows for every dtype and direction; the typed copies of a contiguous grid row are small enough
 * for HotSpot to vectorise.
 */
final class Im2Col {
    private Im2Col() {
    }

    /**
     * One grid row of one kernel tap: the row starts at {@code colPos} in the column matrix and {@code gw} wide; when
     * {@code inside}, grid element {@code g} in {@code [lo, hi)} reads or writes image element {@code imgPos + g * sw},
     * and the rest of the row lies in the padding. When not {@code inside}, the whole row is padding.
     */
    @FunctionalInterface
    interface GridRun {
        void run(int colPos, int gw, boolean inside, int imgPos, int lo, int hi, int sw);
    }

    /**
     * Visits every grid row of the taps of channels {@code [cFrom, cTo)} of the image at {@code imgOff}, with the
     * column matrix at {@code colOff} and row stride {@code ld}.
     */
    static void forEachRun(Window w, int cFrom, int cTo, int imgOff, int colOff, int ld, GridRun visit) {
        int[] im = w.image();
        int[] gr = w.grid();
        int[] k = w.kernel();
        int[] s = w.stride();
        int[] d = w.dilate();
        int[] p = w.pad();
        int gw = gr[2];
        int row = cFrom * w.kernelSize();
        for (int c = cFrom; c < cTo; c++) {
            int chanBase = imgOff + c * w.imageSize();
            for (int kd = 0; kd < k[0]; kd++) {
                for (int kh = 0; kh < k[1]; kh++) {
                    for (int kw = 0; kw < k[2]; kw++, row++) {
                        int shift = kw * d[2] - p[2];
                        int lo = Window.firstInside(shift, s[2], gw);
                        int hi = Window.endInside(shift, s[2], im[2], gw, lo);
                        int colPos = colOff + row * ld;
                        for (int gz = 0; gz < gr[0]; gz++) {
                            int iz = gz * s[0] - p[0] + kd * d[0];
                            for (int gy = 0; gy < gr[1]; gy++, colPos += gw) {
                                int iy = gy * s[1] - p[1] + kh * d[1];
                                boolean inside = iz >= 0 && iz < im[0] && iy >= 0 && iy < im[1];
                                int imgPos = chanBase + (iz * im[1] + iy) * im[2] + shift;
                                visit.run(colPos, gw, inside, imgPos, lo, hi, s[2]);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Fills the rows of channels {@code [cFrom, cTo)} of a (channels * taps) x gridSize column matrix stored at
     * {@code col[colOff...]} with row stride {@code ld} from the image at {@code x[xOff...]}. A stride wider than the
     * grid lets several images' matrices sit side by side as one wider matrix.
     */
    static void im2col(float[] x, int xOff, int cFrom, int cTo, Window w, float[] col, int colOff, int ld) {
        forEachRun(w, cFrom, cTo, xOff, colOff, ld, (dst, gw, inside, src, lo, hi, sw) -> {
            if (!inside) {
                Arrays.fill(col, dst, dst + gw, 0f);
                return;
            }
            Arrays.fill(col, dst, dst + lo, 0f);
            if (sw == 1 && hi > lo) {
                System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
            } else {
                for (int g = lo; g < hi; g++) {
                    col[dst + g] = x[src + g * sw];
                }
            }
            Arrays.fill(col, dst + hi, dst + gw, 0f);
        });
    }

    /** Double-precision im2col of all channels of one image into a gridSize-strided column matrix. */
    static void im2col(double[] x, int xOff, int channels, Window w, double[] col) {
        forEachRun(w, 0, channels, xOff, 0, w.gridSize(), (dst, gw, inside, src, lo, hi, sw) -> {
            if (!inside) {
                Arrays.fill(col, dst, dst + gw, 0.0);
                return;
            }
            Arrays.fill(col, dst, dst + lo, 0.0);
            if (sw == 1 && hi > lo) {
                System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
            } else {
                for (int g = lo; g < hi; g++) {
                    col[dst + g] = x[src + g * sw];
                }
            }
            Arrays.fill(col, dst + hi, dst + gw, 0.0);
        });
    }

    /**
     * Adds every entry of the rows of channels {@code [cFrom, cTo)} of the column matrix stored at
     * {@code col[colOff...]} with row stride {@code ld} (one image's columns, possibly among several images' side by
     * side) into its tap of the image at {@code y[yOff...]} (which the caller zeroes first). Distinct channel ranges
     * write distinct image planes.
     */
    static void col2im(float[] col, int colOff, int ld, int cFrom, int cTo, Window w, float[] y, int yOff) {
        forEachRun(w, cFrom, cTo, yOff, colOff, ld, (src, gw, inside, dst, lo, hi, sw) -> {
            if (inside) {
                for (int g = lo; g < hi; g++) {
                    y[dst + g * sw] += col[src + g];
                }
            }
        });
    }

    /** Double-precision col2im of all channels. */
    static void col2im(double[] col, int channels, Window w, double[] y, int yOff) {
        forEachRun(w, 0, channels, yOff, 0, w.gridSize(), (src, gw, inside, dst, lo, hi, sw) -> {
            if (inside) {
                for (int g = lo; g < hi; g++) {
                    y[dst + g * sw] += col[src + g];
                }
            }
        });
    }
}
