package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.gemm.VectorRowDots;
import dev.kiln.kernel.simd.VectorSums;
import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.parallel.Parallel;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The parts of the convolution gradients that the forward kernels do not already give: the weight gradient (a grid
 * side times the im2col of an image side, summed over the batch) and the bias gradient (a sum over batch and
 * positions). The data gradients are the forward kernels of the transposed op ({@link ConvKernels}). Batch elements
 * are summed in an order fixed by the shapes alone (one product after another, or runs of images whose partial sums
 * are added in order), so results do not depend on the thread count.
 */
final class ConvGradKernels {
    /** Whether the float32 bias gradient sums on the Vector API ({@link VectorSums}). */
    private static final boolean VECTOR = VectorSupport.isAvailable();
    /**
     * Most channels per group times taps of an image side whose float32 weight gradient takes dot products of rows
     * ({@link #shallowWeightGrad}) instead of GEMMs: a product with so few columns wastes most of its register blocks.
     */
    static final int ROW_DOTS_MAX_DEPTH = 32;
    /**
     * Most floats of per-product partial weight gradients: products run side by side only while their partials stay
     * this small (a deep layer's partials would cost more memory traffic to add up than the products save).
     */
    private static final long PARTIALS_MAX = 1L << 21;
    /** Most runs of images a shallow weight gradient is cut into (each one partial result, summed in order). */
    private static final int MAX_CHUNKS = 8;
    /** Elements of the output gradient a thread sums at least, per chunk of filters, for the bias gradient. */
    private static final long BIAS_GRAD_GRAIN = 1L << 16;
    /** Filters per strip of {@link #addPartials}: one cache line of floats. */
    private static final int STRIP = 16;
    /**
     * Least depth of a whole batch (images times grid positions) for which a weight gradient computed in turn sums
     * dW^T and transposes it once at the end: the column matrix is then read in place (where {@link Gemm} does so)
     * instead of transposed while packing, which saves more than the final transpose costs only when the products
     * are deep.
     */
    private static final long TRANSPOSED_MIN_DEPTH = 1024;

    private ConvGradKernels() {
    }

    /**
     * Weight gradient: {@code a} is the grid side (batch, aCh, grid...), {@code b} the image side (batch, bCh,
     * image...); returns (aCh, bCh / groups * taps), per group the sum over the batch of {@code a_g * im2col(b)_g^T}.
     * Convolution passes (dY, X), Deconvolution passes (X, dY). Several images of a small grid share one product, as in
     * the forward kernel; the products compute the gradient transposed (the column matrix as A, read row by row, the
     * grid side as the transposed B), so packing transposes the grid side's few rows rather than the many columns;
     * products in turn do so too (into one sum, transposed once at the end) when the batch is deep enough and
     * {@link Gemm#readsAInPlace} the column matrix.
     * A shallow image side in float32 takes dot products of rows instead ({@link #shallowWeightGrad}).
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
        float[] dw = ConvKernels.output(out, aCh * kk);
        if (out != null) {
            Arrays.fill(dw, 0f);
        }
        if (ag == 0 || kk == 0 || grid == 0 || batch == 0) {
            return dw;
        }
        if (VECTOR && kk <= ROW_DOTS_MAX_DEPTH) {
            return shallowWeightGrad(a, b, batch, aCh, bCh, groups, win, dw);
        }
        if (VECTOR && ConvKernels.WINOGRAD && WinogradWeightGrad.applies(win, groups, bCh, aCh, batch)) {
            WinogradWeightGrad.weightGrad(a, b, batch, aCh, bCh, win, dw);
            return dw;
        }
        if (VECTOR && ConvKernels.PLANE_CONV && VectorPlaneWeightGrad.applies(win, groups, aCh, kk)) {
            VectorPlaneWeightGrad.weightGrad(a, b, batch, aCh, bCh, win, dw);
            return dw;
        }
        return weightGradByProducts(a, b, batch, aCh, bCh, groups, win, dw);
    }

    /**
     * The weight gradient as GEMM products over column matrices whatever the layer, added into {@code dw} (zero on
     * entry): the path every layer takes that neither the row-dot nor the padded-plane kernel does.
     */
    static float[] weightGradByProducts(float[] a, float[] b, int batch, int aCh, int bCh, int groups, Window win,
                                        float[] dw) {
        int ag = aCh / groups;
        int taps = win.kernelSize();
        int kk = bCh / groups * taps;
        int grid = win.gridSize();
        boolean pointwise = win.isPointwise();
        int per = pointwise ? 1 : ConvKernels.imagesPerProduct(batch, (long) bCh * taps, grid);
        int steps = (batch + per - 1) / per;
        int size = aCh * kk;
        long work = (long) ag * per * grid * kk;
        if (ConvKernels.runsProductsInTurn(steps, work) || (long) steps * size > PARTIALS_MAX) {
            if ((long) batch * grid < TRANSPOSED_MIN_DEPTH || !Gemm.readsAInPlace(kk, ag)) {
                products(a, b, batch, aCh, bCh, groups, win, per, 0, steps, Into.WEIGHTS, dw);
                return dw;
            }
            // dW^T is summed over the whole batch, then transposed once
            float[] sum = ConvScratch.floats(ConvScratch.Slot.PARTIALS, size);
            Arrays.fill(sum, 0, size, 0f);
            products(a, b, batch, aCh, bCh, groups, win, per, 0, steps, Into.TRANSPOSED_SUM, sum);
            addPartials(sum, 1, groups, ag, kk, dw);
            return dw;
        }
        // each product computes its part of dw^T (per group kk x ag) into a partial of its own; the partials are
        // added in order, however the products ran
        float[] partials = ConvScratch.floats(ConvScratch.Slot.PARTIALS, steps * size);
        Parallel.forRange(steps, ConvKernels.productGrain(steps, work), (from, to) ->
                products(a, b, batch, aCh, bCh, groups, win, per, from, to, Into.TRANSPOSED_PARTIALS, partials));
        addPartials(partials, steps, groups, ag, kk, dw);
        return dw;
    }

    /**
     * {@code dw} (per group ag x kk) = the sum in order of {@code steps} partials of dW^T (per group kk x ag), in
     * strips of {@link #STRIP} filters so that reads and writes both stay within a few cache lines at a time.
     */
    private static void addPartials(float[] partials, int steps, int groups, int ag, int kk, float[] dw) {
        int size = groups * ag * kk;
        for (int g = 0; g < groups; g++) {
            for (int f0 = 0; f0 < ag; f0 += STRIP) {
                int f1 = Math.min(ag, f0 + STRIP);
                for (int j = 0; j < kk; j++) {
                    for (int f = f0; f < f1; f++) {
                        int at = (g * kk + j) * ag + f;
                        float sum = partials[at];
                        for (int step = 1; step < steps; step++) {
                            sum += partials[step * size + at];
                        }
                        dw[(g * ag + f) * kk + j] = sum;
                    }
                }
            }
        }
    }

    /** Where {@link #products} puts each product. */
    private enum Into {
        /** Added into dW itself (the column matrix as the transposed op(B)). */
        WEIGHTS,
        /** Added into one dW^T (the column matrix as op(A), read in place; only the grid side is transposed). */
        TRANSPOSED_SUM,
        /** Each step's dW^T into a partial of its own. */
        TRANSPOSED_PARTIALS
    }

    /**
     * The products of steps {@code [from, to)}, {@code per} images each, put into {@code target} as {@code into}
     * says (in turn, each im2col split over the threads when large). dW^T (per group kk x ag) takes the column matrix
     * as op(A), so packing transposes only the grid side's few rows.
     */
    private static void products(float[] a, float[] b, int batch, int aCh, int bCh, int groups, Window win, int per,
                                 int from, int to, Into into, float[] target) {
        boolean inTurn = into != Into.TRANSPOSED_PARTIALS;
        int ag = aCh / groups;
        int kk = bCh / groups * win.kernelSize();
        int grid = win.gridSize();
        int image = win.imageSize();
        int size = aCh * kk;
        boolean pointwise = win.isPointwise();
        float[] col = pointwise ? null : ConvScratch.floats(ConvScratch.Slot.COLUMNS, kk * groups * grid * per);
        float[] gathered = per > 1 ? ConvScratch.floats(ConvScratch.Slot.GATHERED, aCh * grid * per) : null;
        for (int step = from; step < to; step++) {
            int n0 = step * per;
            int nb = Math.min(per, batch - n0);
            int wide = nb * grid;
            if (!pointwise) {
                boolean parallel = inTurn && (long) ag * wide * kk >= ConvKernels.GEMM_PARALLEL_WORK;
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
                if (into == Into.WEIGHTS) {
                    Gemm.sgemm(false, true, ag, kk, wide, 1f, am, aOff + g * ag * wide, wide, bm, bOff, wide,
                            1f, target, g * ag * kk, kk);
                } else {
                    boolean sum = into == Into.TRANSPOSED_SUM;
                    Gemm.sgemm(false, true, kk, ag, wide, 1f, bm, bOff, wide, am, aOff + g * ag * wide, wide,
                            sum ? 1f : 0f, target, (sum ? 0 : step * size) + g * kk * ag, ag);
                }
            }
        }
    }

    /**
     * The weight gradient of a shallow image side (channels per group times taps at most
     * {@link #ROW_DOTS_MAX_DEPTH}, such as a first layer's): every element is a dot product of a grid row and a column
     * row over the positions of an image ({@link VectorRowDots}), with no packing, added up image by image. The batch
     * is cut into {@link #weightGradChunks} runs of images, fixed by the batch size alone, each summed into a partial
     * of its own on whichever thread claims it; the partials are then added in order, so results do not depend on the
     * thread count.
     */
    private static float[] shallowWeightGrad(float[] a, float[] b, int batch, int aCh, int bCh, int groups,
                                             Window win, float[] dw) {
        int ag = aCh / groups;
        int kk = bCh / groups * win.kernelSize();
        int grid = win.gridSize();
        int image = win.imageSize();
        int size = aCh * kk;
        boolean pointwise = win.isPointwise();
        int chunks = weightGradChunks(batch);
        float[] partials = new float[chunks * size];
        long work = (long) batch * size * grid;
        IntConsumer body = chunk -> {
            int from = (int) ((long) batch * chunk / chunks);
            int to = (int) ((long) batch * (chunk + 1) / chunks);
            float[] col = pointwise ? null
                    : ConvScratch.floats(ConvScratch.Slot.COLUMNS, bCh * win.kernelSize() * grid);
            for (int n = from; n < to; n++) {
                if (!pointwise) {
                    Im2Col.im2col(b, n * bCh * image, 0, bCh, win, col, 0, grid);
                }
                for (int g = 0; g < groups; g++) {
                    float[] bm = pointwise ? b : col;
                    int bOff = pointwise ? n * bCh * image + g * kk * image : g * kk * grid;
                    VectorRowDots.accumulate(ag, kk, grid, a, (n * aCh + g * ag) * grid, grid, bm, bOff, grid,
                            partials, chunk * size + g * ag * kk, kk);
                }
            }
        };
        if (work >= ConvKernels.GEMM_PARALLEL_WORK) {
            Parallel.forParts(chunks, true, body);
        } else {
            for (int chunk = 0; chunk < chunks; chunk++) {
                body.accept(chunk);
            }
        }
        System.arraycopy(partials, 0, dw, 0, size);
        for (int chunk = 1; chunk < chunks; chunk++) {
            for (int i = 0; i < size; i++) {
                dw[i] += partials[chunk * size + i];
            }
        }
        return dw;
    }

    /** How many runs of images a batch of {@code batch} is cut into: one per image up to {@link #MAX_CHUNKS}. */
    static int weightGradChunks(int batch) {
        return Math.max(1, Math.min(batch, MAX_CHUNKS));
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
        int[] pad = new int[3];
        for (int a = 0; a < 3; a++) {
            pad[a] = (win.kernel()[a] - 1) * win.dilate()[a] - win.pad()[a];
        }
        Window transposed = new Window(win.grid(), win.image(), win.kernel(), win.stride(), win.dilate(), pad);
        if (VECTOR && ConvKernels.WINOGRAD && channels > 0
                && WinogradConv.applies(transposed, groups, filters, channels, batch)) {
            float[] dx = ConvKernels.output(out, batch * channels * transposed.gridSize());
            WinogradConv.dataGrad(dy, w, batch, filters, channels, transposed, dx);
            return dx;
        }
        float[] flipped = ConvScratch.floats(ConvScratch.Slot.WEIGHTS, channels * fg * taps);
        // ResNet-18's 512-channel weights are 2.4 million floats: the flip is split over the threads by channel
        long elements = (long) channels * fg * taps;
        Parallel.forRange(channels, elements >= FLIP_PARALLEL_ELEMENTS ? 1 : channels, (from, to) -> {
            for (int gc = from; gc < to; gc++) {
                int g = gc / cg;
                int c = gc - g * cg;
                flipChannel(w, (g * fg * cg + c) * taps, cg * taps, flipped, gc * fg * taps, fg, taps);
            }
        });
        return ConvKernels.convolution(dy, flipped, null, batch, filters, channels, groups, transposed, null, out);
    }

    /** Least weight elements whose flip for a data gradient is split over the threads. */
    private static final long FLIP_PARALLEL_ELEMENTS = 1L << 16;

    /**
     * One channel's taps of {@code filters} filters, each run of {@code taps} reversed: {@code dst[at + f * taps + t]
     * = w[from + f * stride + taps - 1 - t]}. A 3x3 kernel is written out (a quarter faster than the general loop:
     * 1.23 against 1.57 ms for 512 x 512 filters on one thread).
     */
    private static void flipChannel(float[] w, int from, int stride, float[] dst, int at, int filters, int taps) {
        if (taps == 9) {
            for (int f = 0, s = from, d = at; f < filters; f++, s += stride, d += 9) {
                dst[d] = w[s + 8];
                dst[d + 1] = w[s + 7];
                dst[d + 2] = w[s + 6];
                dst[d + 3] = w[s + 5];
                dst[d + 4] = w[s + 4];
                dst[d + 5] = w[s + 3];
                dst[d + 6] = w[s + 2];
                dst[d + 7] = w[s + 1];
                dst[d + 8] = w[s];
            }
            return;
        }
        for (int f = 0, s = from, d = at; f < filters; f++, s += stride, d += taps) {
            for (int t = 0; t < taps; t++) {
                dst[d + t] = w[s + taps - 1 - t];
            }
        }
    }

    /**
     * Bias gradient of (batch, filters, plane) output gradients: per filter, the sum in double over batch then
     * positions (each image's positions in double vector lanes when the Vector API is available), rounded once to
     * float; written over every element of {@code out} when given, else into a new array. Filters are split over the
     * threads (each filter's sum is one thread's, so the thread count does not change it): summed on the caller alone,
     * a first layer's bias gradient was the longest stretch of a small CNN's training step with one core idle.
     */
    static float[] biasGrad(float[] dy, int batch, int filters, int plane, float[] out) {
        float[] db = ConvKernels.output(out, filters);
        Parallel.forRange(filters, biasGradGrain(batch, plane), (from, to) -> {
            for (int f = from; f < to; f++) {
                double s = 0;
                for (int n = 0; n < batch; n++) {
                    int base = (n * filters + f) * plane;
                    if (VECTOR) {
                        s += VectorSums.sum(dy, base, plane);
                    } else {
                        for (int i = 0; i < plane; i++) {
                            s += dy[base + i];
                        }
                    }
                }
                db[f] = (float) s;
            }
        });
        return db;
    }

    /** Filters per chunk of {@link #biasGrad}: at least {@link #BIAS_GRAD_GRAIN} elements each. */
    private static int biasGradGrain(int batch, int plane) {
        return (int) Math.max(1, BIAS_GRAD_GRAIN / Math.max(1L, (long) batch * plane));
    }

    /** Double-precision {@link #biasGrad(float[], int, int, int, float[])}, summed in the same order. */
    static double[] biasGrad(double[] dy, int batch, int filters, int plane, double[] out) {
        double[] db = ConvKernels.output(out, filters);
        Parallel.forRange(filters, biasGradGrain(batch, plane), (from, to) -> {
            for (int f = from; f < to; f++) {
                double s = 0;
                for (int n = 0; n < batch; n++) {
                    int base = (n * filters + f) * plane;
                    for (int i = 0; i < plane; i++) {
                        s += dy[base + i];
                    }
                }
                db[f] = s;
            }
        });
        return db;
    }
}
