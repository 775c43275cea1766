package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.parallel.Parallel;

/**
 * Channels-second convolution and transposed convolution as im2col/col2im plus {@link Gemm}, in float32 and float64.
 * Batch elements are independent and each is computed the same way whichever thread runs it, so results do not depend
 * on the thread count.
 */
final class ConvKernels {
    /** Multiply-adds per batch element above which batch elements run in parallel. */
    private static final long PARALLEL_WORK = 1L << 16;

    private ConvKernels() {
    }

    /** The grain for {@link Parallel#forRange} over {@code batch} elements of {@code work} multiply-adds each. */
    private static int grain(int batch, long work) {
        return work >= PARALLEL_WORK ? 1 : Math.max(1, batch);
    }

    /**
     * Convolution: {@code x} is (batch, channels, image...), {@code w} is (filters, channels / groups, kernel...),
     * {@code bias} is (filters) or null; returns (batch, filters, grid...).
     */
    static float[] convolution(float[] x, float[] w, float[] bias, int batch, int channels, int filters, int groups,
                               Window win) {
        int cg = channels / groups;
        int fg = filters / groups;
        int kk = cg * win.kernelSize();
        int grid = win.gridSize();
        int image = win.imageSize();
        boolean pointwise = win.isPointwise();
        float[] y = new float[batch * filters * grid];
        Parallel.forRange(batch, grain(batch, (long) filters * grid * kk), (from, to) -> {
            float[] col = pointwise ? null : new float[channels * win.kernelSize() * grid];
            for (int n = from; n < to; n++) {
                int xOff = n * channels * image;
                int yOff = n * filters * grid;
                if (!pointwise) {
                    Im2Col.im2col(x, xOff, channels, win, col);
                }
                for (int g = 0; g < groups; g++) {
                    float[] b = pointwise ? x : col;
                    int bOff = pointwise ? xOff + g * cg * image : g * kk * grid;
                    if (fg > 0 && grid > 0 && kk > 0) {
                        Gemm.sgemm(false, false, fg, grid, kk, 1f, w, g * fg * kk, kk, b, bOff, grid,
                                0f, y, yOff + g * fg * grid, grid);
                    }
                }
                if (bias != null) {
                    addBias(y, yOff, bias, filters, grid);
                }
            }
        });
        return y;
    }

    /** Double-precision {@link #convolution(float[], float[], float[], int, int, int, int, Window)}. */
    static double[] convolution(double[] x, double[] w, double[] bias, int batch, int channels, int filters,
                                int groups, Window win) {
        int cg = channels / groups;
        int fg = filters / groups;
        int kk = cg * win.kernelSize();
        int grid = win.gridSize();
        int image = win.imageSize();
        boolean pointwise = win.isPointwise();
        double[] y = new double[batch * filters * grid];
        Parallel.forRange(batch, grain(batch, (long) filters * grid * kk), (from, to) -> {
            double[] col = pointwise ? null : new double[channels * win.kernelSize() * grid];
            for (int n = from; n < to; n++) {
                int xOff = n * channels * image;
                int yOff = n * filters * grid;
                if (!pointwise) {
                    Im2Col.im2col(x, xOff, channels, win, col);
                }
                for (int g = 0; g < groups; g++) {
                    double[] b = pointwise ? x : col;
                    int bOff = pointwise ? xOff + g * cg * image : g * kk * grid;
                    if (fg > 0 && grid > 0 && kk > 0) {
                        Gemm.dgemm(false, false, fg, grid, kk, 1.0, w, g * fg * kk, kk, b, bOff, grid,
                                0.0, y, yOff + g * fg * grid, grid);
                    }
                }
                if (bias != null) {
                    addBias(y, yOff, bias, filters, grid);
                }
            }
        });
        return y;
    }

    /**
     * Transposed convolution: {@code x} is (batch, channels, grid...), {@code w} is (channels, filters / groups,
     * kernel...), {@code bias} is (filters) or null; returns (batch, filters, image...), where the window's padding
     * crops the full transposed result.
     */
    static float[] deconvolution(float[] x, float[] w, float[] bias, int batch, int channels, int filters,
                                 int groups, Window win) {
        int cg = channels / groups;
        int rows = filters / groups * win.kernelSize();
        int grid = win.gridSize();
        int image = win.imageSize();
        float[] y = new float[batch * filters * image];
        Parallel.forRange(batch, grain(batch, (long) channels * rows * grid), (from, to) -> {
            float[] col = new float[filters * win.kernelSize() * grid];
            for (int n = from; n < to; n++) {
                int xOff = n * channels * grid;
                for (int g = 0; g < groups; g++) {
                    if (rows > 0 && grid > 0 && cg > 0) {
                        Gemm.sgemm(true, false, rows, grid, cg, 1f, w, g * cg * rows, rows, x, xOff + g * cg * grid,
                                grid, 0f, col, g * rows * grid, grid);
                    }
                }
                int yOff = n * filters * image;
                Im2Col.col2im(col, filters, win, y, yOff);
                if (bias != null) {
                    addBias(y, yOff, bias, filters, image);
                }
            }
        });
        return y;
    }

    /** Double-precision {@link #deconvolution(float[], float[], float[], int, int, int, int, Window)}. */
    static double[] deconvolution(double[] x, double[] w, double[] bias, int batch, int channels, int filters,
                                  int groups, Window win) {
        int cg = channels / groups;
        int rows = filters / groups * win.kernelSize();
        int grid = win.gridSize();
        int image = win.imageSize();
        double[] y = new double[batch * filters * image];
        Parallel.forRange(batch, grain(batch, (long) channels * rows * grid), (from, to) -> {
            double[] col = new double[filters * win.kernelSize() * grid];
            for (int n = from; n < to; n++) {
                int xOff = n * channels * grid;
                for (int g = 0; g < groups; g++) {
                    if (rows > 0 && grid > 0 && cg > 0) {
                        Gemm.dgemm(true, false, rows, grid, cg, 1.0, w, g * cg * rows, rows, x, xOff + g * cg * grid,
                                grid, 0.0, col, g * rows * grid, grid);
                    }
                }
                int yOff = n * filters * image;
                Im2Col.col2im(col, filters, win, y, yOff);
                if (bias != null) {
                    addBias(y, yOff, bias, filters, image);
                }
            }
        });
        return y;
    }

    private static void addBias(float[] y, int off, float[] bias, int filters, int plane) {
        for (int f = 0; f < filters; f++) {
            float b = bias[f];
            int base = off + f * plane;
            for (int i = 0; i < plane; i++) {
                y[base + i] += b;
            }
        }
    }

    private static void addBias(double[] y, int off, double[] bias, int filters, int plane) {
        for (int f = 0; f < filters; f++) {
            double b = bias[f];
            int base = off + f * plane;
            for (int i = 0; i < plane; i++) {
                y[base + i] += b;
            }
        }
    }
}
