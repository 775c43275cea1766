package dev.kiln.op.conv;

import java.util.Arrays;

/**
 * Lowers convolution to matrix multiply: {@code im2col} copies every kernel tap of a channels-second image into a
 * (channels * taps) x (grid positions) column matrix (zeros where a tap falls in the padding), and {@code col2im}
 * scatters such a matrix back into an image, summing overlapping taps (the transposed convolution). Rows are ordered
 * channel, then depth, height, width tap, matching MXNet's weight layout; the innermost loops run over contiguous
 * grid rows so HotSpot can vectorise them.
 */
final class Im2Col {
    private Im2Col() {
    }

    /**
     * Fills the rows of channels {@code [cFrom, cTo)} of a (channels * taps) x gridSize column matrix stored at
     * {@code col[colOff...]} with row stride {@code ld} from the image at {@code x[xOff...]}. A stride wider than the
     * grid lets several images' matrices sit side by side as one wider matrix.
     */
    static void im2col(float[] x, int xOff, int cFrom, int cTo, Window w, float[] col, int colOff, int ld) {
        int[] im = w.image();
        int[] gr = w.grid();
        int[] k = w.kernel();
        int[] s = w.stride();
        int[] d = w.dilate();
        int[] p = w.pad();
        int gw = gr[2];
        int row = cFrom * w.kernelSize();
        for (int c = cFrom; c < cTo; c++) {
            int chanBase = xOff + c * w.imageSize();
            for (int kd = 0; kd < k[0]; kd++) {
                for (int kh = 0; kh < k[1]; kh++) {
                    for (int kw = 0; kw < k[2]; kw++, row++) {
                        int shift = kw * d[2] - p[2];
                        int lo = Window.firstInside(shift, s[2], gw);
                        int hi = Window.endInside(shift, s[2], im[2], gw, lo);
                        int dst = colOff + row * ld;
                        for (int gz = 0; gz < gr[0]; gz++) {
                            int iz = gz * s[0] - p[0] + kd * d[0];
                            for (int gy = 0; gy < gr[1]; gy++, dst += gw) {
                                int iy = gy * s[1] - p[1] + kh * d[1];
                                if (iz < 0 || iz >= im[0] || iy < 0 || iy >= im[1]) {
                                    Arrays.fill(col, dst, dst + gw, 0f);
                                    continue;
                                }
                                int src = chanBase + (iz * im[1] + iy) * im[2] + shift;
                                Arrays.fill(col, dst, dst + lo, 0f);
                                if (s[2] == 1 && hi > lo) {
                                    System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                                } else {
                                    int sw = s[2];
                                    for (int g = lo; g < hi; g++) {
                                        col[dst + g] = x[src + g * sw];
                                    }
                                }
                                Arrays.fill(col, dst + hi, dst + gw, 0f);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Double-precision {@link #im2col(float[], int, int, int, Window, float[], int, int)} for one whole image. */
    static void im2col(double[] x, int xOff, int channels, Window w, double[] col) {
        int[] im = w.image();
        int[] gr = w.grid();
        int[] k = w.kernel();
        int[] s = w.stride();
        int[] d = w.dilate();
        int[] p = w.pad();
        int gw = gr[2];
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int chanBase = xOff + c * w.imageSize();
            for (int kd = 0; kd < k[0]; kd++) {
                for (int kh = 0; kh < k[1]; kh++) {
                    for (int kw = 0; kw < k[2]; kw++, row++) {
                        int shift = kw * d[2] - p[2];
                        int lo = Window.firstInside(shift, s[2], gw);
                        int hi = Window.endInside(shift, s[2], im[2], gw, lo);
                        int dst = row * w.gridSize();
                        for (int gz = 0; gz < gr[0]; gz++) {
                            int iz = gz * s[0] - p[0] + kd * d[0];
                            for (int gy = 0; gy < gr[1]; gy++, dst += gw) {
                                int iy = gy * s[1] - p[1] + kh * d[1];
                                if (iz < 0 || iz >= im[0] || iy < 0 || iy >= im[1]) {
                                    Arrays.fill(col, dst, dst + gw, 0.0);
                                    continue;
                                }
                                int src = chanBase + (iz * im[1] + iy) * im[2] + shift;
                                Arrays.fill(col, dst, dst + lo, 0.0);
                                if (s[2] == 1 && hi > lo) {
                                    System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                                } else {
                                    int sw = s[2];
                                    for (int g = lo; g < hi; g++) {
                                        col[dst + g] = x[src + g * sw];
                                    }
                                }
                                Arrays.fill(col, dst + hi, dst + gw, 0.0);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Adds every column entry of the rows of channels {@code [cFrom, cTo)} into its tap of the image at
     * {@code y[yOff...]} (which the caller zeroes first). Distinct channel ranges write distinct image planes.
     */
    static void col2im(float[] col, int cFrom, int cTo, Window w, float[] y, int yOff) {
        int[] im = w.image();
        int[] gr = w.grid();
        int[] k = w.kernel();
        int[] s = w.stride();
        int[] d = w.dilate();
        int[] p = w.pad();
        int gw = gr[2];
        int row = cFrom * w.kernelSize();
        for (int c = cFrom; c < cTo; c++) {
            int chanBase = yOff + c * w.imageSize();
            for (int kd = 0; kd < k[0]; kd++) {
                for (int kh = 0; kh < k[1]; kh++) {
                    for (int kw = 0; kw < k[2]; kw++, row++) {
                        int shift = kw * d[2] - p[2];
                        int lo = Window.firstInside(shift, s[2], gw);
                        int hi = Window.endInside(shift, s[2], im[2], gw, lo);
                        int sw = s[2];
                        int src = row * w.gridSize();
                        for (int gz = 0; gz < gr[0]; gz++) {
                            int iz = gz * s[0] - p[0] + kd * d[0];
                            for (int gy = 0; gy < gr[1]; gy++, src += gw) {
                                int iy = gy * s[1] - p[1] + kh * d[1];
                                if (iz < 0 || iz >= im[0] || iy < 0 || iy >= im[1]) {
                                    continue;
                                }
                                int dst = chanBase + (iz * im[1] + iy) * im[2] + shift;
                                for (int g = lo; g < hi; g++) {
                                    y[dst + g * sw] += col[src + g];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Double-precision {@link #col2im(float[], int, int, Window, float[], int)} for all channels. */
    static void col2im(double[] col, int channels, Window w, double[] y, int yOff) {
        int[] im = w.image();
        int[] gr = w.grid();
        int[] k = w.kernel();
        int[] s = w.stride();
        int[] d = w.dilate();
        int[] p = w.pad();
        int gw = gr[2];
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int chanBase = yOff + c * w.imageSize();
            for (int kd = 0; kd < k[0]; kd++) {
                for (int kh = 0; kh < k[1]; kh++) {
                    for (int kw = 0; kw < k[2]; kw++, row++) {
                        int shift = kw * d[2] - p[2];
                        int lo = Window.firstInside(shift, s[2], gw);
                        int hi = Window.endInside(shift, s[2], im[2], gw, lo);
                        int sw = s[2];
                        int src = row * w.gridSize();
                        for (int gz = 0; gz < gr[0]; gz++) {
                            int iz = gz * s[0] - p[0] + kd * d[0];
                            for (int gy = 0; gy < gr[1]; gy++, src += gw) {
                                int iy = gy * s[1] - p[1] + kh * d[1];
                                if (iz < 0 || iz >= im[0] || iy < 0 || iy >= im[1]) {
                                    continue;
                                }
                                int dst = chanBase + (iz * im[1] + iy) * im[2] + shift;
                                for (int g = lo; g < hi; g++) {
                                    y[dst + g * sw] += col[src + g];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
