package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.simd.VectorSums;
import dev.kiln.kernel.simd.VectorSupport;

import java.util.Arrays;

/**
 * The parts of the convolution gradients that the forward kernels do not already give: the weight gradient (a grid
 * side times the im2col of an image side, summed over the batch) and the bias gradient (a sum over batch and
 * positions). The data gradients are the forward kernels of the transposed op ({@link ConvKernels}). Batch elements
 * are summed in order, one product after another, so results do not depend on the thread count.
 */
final class ConvGradKernels {
    /** Whether the float32 bias gradient sums on the Vector API ({@link VectorSums}). */
    private static final boolean VECTOR = VectorSupport.isAvailable();

    private ConvGradKernels() {
    }

    /**
     * Weight gradient: {@code a} is the grid side (batch, aCh, grid...), {@code b} the image side (batch, bCh,
     * image...); returns (aCh, bCh / groups * taps), per group the sum over the batch of {@code a_g * im2col(b)_g^T}.
     * Convolution passes (dY, X), Deconvolution passes (X, dY). Several images of a small grid share one product, as in
     * the forward kernel.
     */
    static float[] weightGrad(float[] a, float[] b, int batch, int aCh, int bCh, int groups, Window win) {
        return weightGrad(a, b, batch, aCh, bCh, groups, win, null);
    }

    /**
     * {@link #weightGrad(float[], float[], int, int, int, int, Window)} into {@code out} when given (cleared first, as
     * the products add up over the batch), else into a new array.
     */
    static float[] weightGrad(float[] a, float[] b, int batch, int aCh, int bCh, int groups, Window win,
                              float[] out) {
        int ag = aCh / groups;
        int taps = win.kernelSize();
        int kk = bCh / groups * taps;
        int grid = win.gridSize();
        int image = win.imageSize();
        float[] dw = ConvKernels.output(out, aCh * kk);
        if (out != null) {
            Arrays.fill(dw, 0f);
        }
        if (ag == 0 || kk == 0 || grid == 0 || batch == 0) {
            return dw;
        }
        boolean pointwise = win.isPointwise();
        int per = pointwise ? 1 : ConvKernels.imagesPerProduct(batch, (long) bCh * taps, grid);
        float[] col = pointwise ? null : ConvScratch.floats(ConvScratch.Slot.COLUMNS, bCh * taps * grid * per);
        float[] gathered = per > 1 ? ConvScratch.floats(ConvScratch.Slot.GATHERED, aCh * grid * per) : null;
        for (int n0 = 0; n0 < batch; n0 += per) {
            int nb = Math.min(per, batch - n0);
            int wide = nb * grid;
            if (!pointwise) {
                boolean parallel = (long) ag * wide * kk >= ConvKernels.GEMM_PARALLEL_WORK;
                ConvKernels.fillColumns(b, n0, nb, bCh, image, win, col, wide, parallel);
            }
            float[] am = a;
            int aOff = n0 * aCh * grid;
            if (nb > 1) {
                ConvKernels.gather(a, aOff, nb, aCh, grid, gathered);
                am = gathered;
                aOff = 0;
            }
            for (int g = 0; g < groups; g++) {
                float[] bm = pointwise ? b : col;
                int bOff = pointwise ? n0 * bCh * image + g * kk * image : g * kk * wide;
                Gemm.sgemm(false, true, ag, kk, wide, 1f, am, aOff + g * ag * wide, wide, bm, bOff, wide,
                        1f, dw, g * ag * kk, kk);
            }
        }
        return dw;
    }

    /** Double-precision {@link #weightGrad(float[], float[], int, int, int, int, Window)}, one image per product. */
    static double[] weightGrad(double[] a, double[] b, int batch, int aCh, int bCh, int groups, Window win) {
        return weightGrad(a, b, batch, aCh, bCh, groups, win, null);
    }

    /** Double-precision {@link #weightGrad(float[], float[], int, int, int, int, Window, float[])}. */
    static double[] weightGrad(double[] a, double[] b, int batch, int aCh, int bCh, int groups, Window win,
                               double[] out) {
        int ag = aCh / groups;
        int taps = win.kernelSize();
        int kk = bCh / groups * taps;
        int grid = win.gridSize();
        int image = win.imageSize();
        double[] dw = ConvKernels.output(out, aCh * kk);
        if (out != null) {
            Arrays.fill(dw, 0.0);
        }
        if (ag == 0 || kk == 0 || grid == 0) {
            return dw;
        }
        boolean pointwise = win.isPointwise();
        double[] col = pointwise ? null : new double[bCh * taps * grid];
        for (int n = 0; n < batch; n++) {
            if (!pointwise) {
                Im2Col.im2col(b, n * bCh * image, bCh, win, col);
            }
            for (int g = 0; g < groups; g++) {
                double[] bm = pointwise ? b : col;
                int bOff = pointwise ? n * bCh * image + g * kk * image : g * kk * grid;
                Gemm.dgemm(false, true, ag, kk, grid, 1.0, a, n * aCh * grid + g * ag * grid, grid, bm, bOff, grid,
                        1.0, dw, g * ag * kk, kk);
            }
        }
        return dw;
    }

    /**
     * True when a convolution's data gradient is itself a convolution ({@link #dataGrad}): unit stride on every axis
     * and padding no wider than the dilated kernel's reach ({@code pad <= (kernel - 1) * dilate}).
     */
    static boolean dataGradIsConvolution(Window win) {
        for (int a = 0; a < 3; a++) {
            if (win.stride()[a] != 1 || win.pad()[a] > (win.kernel()[a] - 1) * win.dilate()[a]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Data gradient of a unit-stride convolution ({@link #dataGradIsConvolution}) as a forward convolution of
     * {@code dy} (batch, filters, grid...) with the weight (filters, channels / groups, kernel...) transposed per
     * group to (channels, filters / groups, kernel...) and flipped along every spatial axis, padded by
     * {@code (kernel - 1) * dilate - pad}; returns (batch, channels, image...). Unlike the transposed convolution
     * (a shallow product over the filters, then a col2im summing the taps) it is one product as deep as filters times
     * taps, with no scatter, and it takes the forward kernel's fast im2col for "same" padding.
     */
    static float[] dataGrad(float[] dy, float[] w, int batch, int channels, int filters, int groups, Window win) {
        return dataGrad(dy, w, batch, channels, filters, groups, win, null);
    }

    /** {@link #dataGrad(float[], float[], int, int, int, int, Window)} over every element of {@code out} if given. */
    static float[] dataGrad(float[] dy, float[] w, int batch, int channels, int filters, int groups, Window win,
                            float[] out) {
        int cg = channels / groups;
        int fg = filters / groups;
        int taps = win.kernelSize();
        float[] flipped = ConvScratch.floats(ConvScratch.Slot.WEIGHTS, channels * fg * taps);
        for (int g = 0; g < groups; g++) {
            for (int f = 0; f < fg; f++) {
                for (int c = 0; c < cg; c++) {
                    int src = ((g * fg + f) * cg + c) * taps;
                    int dst = ((g * cg + c) * fg + f) * taps;
                    for (int t = 0; t < taps; t++) {
                        flipped[dst + t] = w[src + taps - 1 - t];
                    }
                }
            }
        }
        int[] pad = new int[3];
        for (int a = 0; a < 3; a++) {
            pad[a] = (win.kernel()[a] - 1) * win.dilate()[a] - win.pad()[a];
        }
        Window transposed = new Window(win.grid(), win.image(), win.kernel(), win.stride(), win.dilate(), pad);
        return ConvKernels.convolution(dy, flipped, null, batch, filters, channels, groups, transposed, null, out);
    }

    /**
     * Bias gradient of (batch, filters, plane) output gradients: per filter, the sum in double over batch then
     * positions (each image's positions in double vector lanes when the Vector API is available), rounded once to
     * float; written over every element of {@code out} when given, else into a new array.
     */
    static float[] biasGrad(float[] dy, int batch, int filters, int plane, float[] out) {
        float[] db = ConvKernels.output(out, filters);
        for (int f = 0; f < filters; f++) {
            double s = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * filters + f) * plane;
                if (VECTOR) {
                    s += VectorSums.sum(dy, base, plane, 0, false);
                } else {
                    for (int i = 0; i < plane; i++) {
                        s += dy[base + i];
                    }
                }
            }
            db[f] = (float) s;
        }
        return db;
    }

    /** Double-precision {@link #biasGrad(float[], int, int, int, float[])}, summed in the same order. */
    static double[] biasGrad(double[] dy, int batch, int filters, int plane, double[] out) {
        double[] db = ConvKernels.output(out, filters);
        for (int f = 0; f < filters; f++) {
            double s = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * filters + f) * plane;
                for (int i = 0; i < plane; i++) {
                    s += dy[base + i];
                }
            }
            db[f] = s;
        }
        return db;
    }
}
