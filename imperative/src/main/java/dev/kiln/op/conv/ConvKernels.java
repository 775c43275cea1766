package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.OutputEpilogue;
import dev.kiln.parallel.Parallel;

import java.util.Arrays;

/**
 * Channels-second convolution and transposed convolution as im2col/col2im plus {@link Gemm}, in float32 and float64.
 * Every output element is computed the same way however the batch is grouped into products and whichever thread runs
 * it, so results do not depend on the thread count.
 */
final class ConvKernels {
    private static final boolean VECTOR = VectorSupport.isAvailable();
    /**
     * Whether deep 3x3 unit-stride layers over enough tiles run as Winograd's F(2x2, 3x3) ({@link WinogradConv}); on
     * unless {@code -Dkiln.conv.winograd=false}, which is there to compare the paths (its results differ from the
     * direct sums by rounding).
     */
    static final boolean WINOGRAD = !"false".equals(System.getProperty("kiln.conv.winograd"));
    /**
     * Whether layers with few filters read their products straight from padded planes ({@link VectorPlaneConv}); on
     * unless {@code -Dkiln.conv.planes=false}, which is there to compare the paths.
     */
    static final boolean PLANE_CONV = !"false".equals(System.getProperty("kiln.conv.planes"));
    /** Multiply-adds per batch element above which batch elements run in parallel. */
    private static final long PARALLEL_WORK = 1L << 16;
    /** Multiply-adds per product from which {@link Gemm} splits a product over the threads itself. */
    static final long GEMM_PARALLEL_WORK = 1L << 20;
    /** Columns a float32 convolution product aims for by covering several images of a small grid. */
    private static final long TARGET_COLUMNS = 1024;
    /** Most floats a float32 convolution's column buffer holds when it covers several images. */
    private static final long COLUMN_BUDGET = 1L << 21;
    /** Least number of large products per thread for them to run side by side ({@link #runsProductsInTurn}). */
    private static final int PRODUCTS_PER_THREAD = 2;
    /**
     * Multiply-adds per product from which products always run in turn, each split over the threads: measured on
     * ResNet-18 at batch 32, whose 32x32 products (38M multiply-adds) ran slower side by side, two products' operands
     * competing for the caches, than split; the small CNN's (18M) ran faster side by side.
     */
    private static final long SIDE_BY_SIDE_MAX_WORK = 1L << 25;
    /** Column elements written per im2col part at least when the im2col is split over the threads. */
    private static final int IM2COL_GRAIN = 1 << 15;
    /** Most parts an im2col is cut into; parts are claimed by whichever thread is free, so a few per thread. */
    private static final int IM2COL_PARTS = 4 * Parallel.threads();
    /** Least depth (channels times taps) of a product whose B is packed from the images by {@link ColumnPanels}. */
    private static final int PANEL_MIN_DEPTH = 64;
    /**
     * Most grid positions per image of a product whose B is packed from the images by {@link ColumnPanels}: measured
     * 8-15% faster on 8x8 and 4x4 grids (deep channels), no faster from 14x14 up.
     */
    private static final int PANEL_MAX_GRID = 64;

    private ConvKernels() {
    }

    /**
     * Whether {@code steps} products of {@code work} multiply-adds each run one after another, each split over the
     * threads by {@link Gemm} (with the im2col between them split too), rather than side by side, one per thread:
     * on one thread, for very large products ({@link #SIDE_BY_SIDE_MAX_WORK}), and for large products unless there
     * are at least {@link #PRODUCTS_PER_THREAD} per thread.
     * Side by side, no thread packs an operand another one packs too and the threads meet once, not twice per
     * product; a few large products would leave threads idle.
     */
    static boolean runsProductsInTurn(int steps, long work) {
        return Parallel.threads() == 1 || work >= SIDE_BY_SIDE_MAX_WORK
                || work >= GEMM_PARALLEL_WORK && steps < PRODUCTS_PER_THREAD * Parallel.threads();
    }

    /** The grain for {@link Parallel#forRange} over products that run side by side ({@link #runsProductsInTurn}). */
    static int productGrain(int steps, long work) {
        return work >= GEMM_PARALLEL_WORK ? 1 : grain(steps, work);
    }

    /** The grain for {@link Parallel#forRange} over {@code batch} elements of {@code work} multiply-adds each. */
    private static int grain(int batch, long work) {
        return work >= PARALLEL_WORK ? 1 : Math.max(1, batch);
    }

    /**
     * Convolution: {@code x} is (batch, channels, image...), {@code w} is (filters, channels / groups, kernel...),
     * {@code bias} is (filters) or null; returns (batch, filters, grid...). Images are taken a few at a time
     * ({@link #imagesPerProduct}) so that small grids still make wide products; their column matrices sit side by
     * side, one product per group covers them all, and its result is scattered back per image. Products run side by
     * side over the threads, one image group per thread at a time, unless they are few and large enough for
     * {@link Gemm} to split over the threads ({@link #runsProductsInTurn}): then they run one after another with the
     * im2col split over channels. Every output element is the same sum in the same order
     * however the images are grouped, so results do not depend on the thread count.
     */
    static float[] convolution(float[] x, float[] w, float[] bias, int batch, int channels, int filters, int groups,
                               Window win) {
        return convolution(x, w, bias, batch, channels, filters, groups, win, null, null);
    }

    /**
     * {@link #convolution(float[], float[], float[], int, int, int, int, Window)} running {@code epilogue} (unless
     * null) on each image of the result as soon as it is complete (bias added), split over the threads when the
     * images themselves run one after another; the result is written over every element of {@code into} when given
     * (an executor's planned output, whatever it held), else into a new array.
     */
    static float[] convolution(float[] x, float[] w, float[] bias, int batch, int channels, int filters, int groups,
                               Window win, OutputEpilogue epilogue, float[] into) {
        return convolution(x, w, null, bias, batch, channels, filters, groups, win, epilogue, into, null);
    }

    /**
     * {@link #convolution(float[], float[], float[], int, int, int, int, Window, OutputEpilogue, float[])} of the
     * float32 {@code weight}, a layer that runs as Winograd's F(2x2, 3x3) keeping its transformed filters in
     * {@code derived} (when not null) from call to call; with them kept, the layer takes Winograd's path over fewer
     * tiles ({@link WinogradConv#applies}). A layer over only a few output positions keeps its weight packed for the
     * transposed product instead ({@link SmallGridConv}).
     */
    static float[] convolution(float[] x, NDArray weight, float[] bias, int batch, int channels, int filters,
                               int groups, Window win, OutputEpilogue epilogue, float[] into, DerivedWeights derived) {
        return convolution(x, (float[]) weight.data(), weight, bias, batch, channels, filters, groups, win, epilogue,
                into, derived);
    }

    private static float[] convolution(float[] x, float[] w, NDArray weight, float[] bias, int batch, int channels,
                                       int filters, int groups, Window win, OutputEpilogue epilogue, float[] into,
                                       DerivedWeights derived) {
        int kk = channels / groups * win.kernelSize();
        if (writesImages(win, groups, filters, kk)) {
            float[] y = output(into, batch * filters * win.gridSize());
            imageByImage(x, w, weight, derived, batch, channels, filters, win,
                    new ImageSink.Direct(y, bias, filters, win.gridSize(), epilogue));
            return y;
        }
        if (VECTOR && derived != null && weight != null
                && SmallGridConv.applies(win, groups, batch, filters, kk)) {
            float[] y = output(into, batch * filters * win.gridSize());
            SmallGridConv.convolution(x, SmallGridConv.packedWeight(derived, weight, w, filters, kk), bias, batch,
                    channels, filters, win, epilogue, y);
            return y;
        }
        boolean kept = WinogradConv.KEEP_FILTERS && derived != null && weight != null;
        if (VECTOR && WINOGRAD && filters > 0 && WinogradConv.applies(win, groups, channels, filters, batch, kept)) {
            float[] y = output(into, batch * filters * win.gridSize());
            if (kept) {
                WinogradConv.convolutionTransformed(x, derived.get(weight, WinogradConv.filterKey(channels, filters),
                        () -> WinogradConv.transformedFilters(w, win, channels, filters)), bias, batch, channels,
                        filters, win, epilogue, y);
            } else {
                WinogradConv.convolution(x, w, bias, batch, channels, filters, win, epilogue, y);
            }
            return y;
        }
        return convolutionByProducts(x, w, bias, batch, channels, filters, groups, win, epilogue, into);
    }

    /**
     * Whether a float32 layer of {@code filters} filters in {@code groups} groups over {@code win}, {@code kk} deep per
     * filter, runs on a kernel that writes and finishes its output image by image ({@link ImageSink}).
     */
    static boolean writesImages(Window win, int groups, int filters, int kk) {
        if (!VECTOR || filters <= 0 || win.gridSize() <= 0 || kk <= 0) {
            return false;
        }
        return takesDirect(win, groups, kk) || PLANE_CONV && VectorPlaneConv.applies(win, groups, filters, kk);
    }

    /** Whether a layer that {@link #writesImages} runs on {@link VectorDirectConv} (else {@link VectorPlaneConv}). */
    private static boolean takesDirect(Window win, int groups, int kk) {
        return !win.isPointwise() && VectorDirectConv.applies(win, groups, kk);
    }

    /**
     * The convolution of a layer that {@link #writesImages} into {@code sink}, image by image, keeping what the
     * kernel derives from the float32 {@code weight} (holding {@code w}) in {@code derived} when both are not null.
     */
    static void imageByImage(float[] x, float[] w, NDArray weight, DerivedWeights derived, int batch, int channels,
                             int filters, Window win, ImageSink sink) {
        int kk = channels * win.kernelSize();
        if (takesDirect(win, 1, kk)) {
            VectorDirectConv.convolution(x, w, batch, channels, filters, win, sink);
        } else {
            VectorPlaneConv.convolution(x, w, weight, derived, batch, channels, filters, win, sink);
        }
    }

    /**
     * {@link #convolution(float[], float[], float[], int, int, int, int, Window, OutputEpilogue, float[])} as im2col
     * and GEMM products whatever the layer (the path every layer but a shallow one takes).
     */
    static float[] convolutionByProducts(float[] x, float[] w, float[] bias, int batch, int channels, int filters,
                                         int groups, Window win, OutputEpilogue epilogue, float[] into) {
        int cg = channels / groups;
        int fg = filters / groups;
        int taps = win.kernelSize();
        int kk = cg * taps;
        int grid = win.gridSize();
        int image = win.imageSize();
        float[] y = output(into, batch * filters * grid);
        if (fg == 0 || grid == 0 || kk == 0) {
            Arrays.fill(y, 0f);
            if (bias != null) {
                for (int n = 0; n < batch; n++) {
                    addBias(y, n * filters * grid, bias, filters, grid);
                }
            }
            finish(epilogue, y, 0, y.length, true);
            return y;
        }
        boolean pointwise = win.isPointwise();
        int per = pointwise ? 1 : imagesPerProduct(batch, (long) channels * taps, grid);
        int steps = (batch + per - 1) / per;
        long work = (long) fg * per * grid * kk;
        // with unit stride and grid rows a whole number of vectors, B is packed from zero-padded copies of the images
        PaddedPanels.Geometry geo = !pointwise && PaddedPanels.applies(win) ? PaddedPanels.geometry(win) : null;
        int[] rowOffsets = geo != null ? PaddedPanels.rowOffsets(win, geo, cg) : null;
        // products packing from padded planes run side by side whenever there are enough of them: each thread's
        // operands (its images, padded) fit its own cache, unlike the column matrices that make large products
        // run in turn (measured on ResNet-18's 32x32 layers at batch 32: 7.2 against 7.6 ms)
        boolean sequential = geo != null && steps >= PRODUCTS_PER_THREAD * Parallel.threads()
                ? Parallel.threads() == 1 : runsProductsInTurn(steps, work);
        // the product packs the column matrix straight from the images when it packs B at all (C, not C^T); a
        // shallow one (few channels) gains nothing, its panels are too short to pay for setting up their vectors,
        // nor (as measured) does one of larger grids, where the separate im2col streams whole planes
        boolean planar = geo == null && !pointwise && kk >= PANEL_MIN_DEPTH && grid <= PANEL_MAX_GRID
                && Im2Col.isSamePlanar(win);
        ColumnPanels.Taps panelTaps = planar ? ColumnPanels.Taps.of(win) : null;
        Parallel.forRange(steps, sequential ? steps : productGrain(steps, work), (from, to) -> {
            float[] out = per > 1 ? ConvScratch.floats(ConvScratch.Slot.GATHERED, filters * grid * per) : null;
            float[] col = null;
            for (int step = from; step < to; step++) {
                int n0 = step * per;
                int nb = Math.min(per, batch - n0);
                int wide = nb * grid;
                boolean padded = geo != null && Gemm.packsB(fg, wide);
                boolean panels = planar && Gemm.packsB(fg, wide);
                float[] xp = null;
                if (padded) {
                    xp = ConvScratch.floats(ConvScratch.Slot.PADDED, nb * channels * geo.plane());
                    PaddedPanels.pad(x, n0, nb, channels, geo, xp, sequential);
                } else if (!pointwise && !panels) {
                    col = col != null ? col
                            : ConvScratch.floats(ConvScratch.Slot.COLUMNS, channels * taps * grid * Math.min(per, batch));
                    fillColumns(x, n0, nb, channels, image, win, col, wide, sequential);
                }
                for (int g = 0; g < groups; g++) {
                    if (panels || padded) {
                        Gemm.PanelSource source = padded
                                ? new PaddedPanels(xp, g * cg * geo.plane(), channels * geo.plane(), rowOffsets, geo)
                                : new ColumnPanels(x, n0 * channels * image + g * cg * image, image,
                                channels * image, panelTaps);
                        float[] c = nb == 1 ? y : out;
                        int cOff = nb == 1 ? n0 * filters * grid + g * fg * grid : g * fg * wide;
                        Gemm.sgemm(fg, wide, kk, w, g * fg * kk, kk, source, c, cOff, wide, null);
                        continue;
                    }
                    float[] b = pointwise ? x : col;
                    int bOff = pointwise ? n0 * channels * image + g * cg * image : g * kk * wide;
                    if (nb == 1) {
                        Gemm.sgemm(false, false, fg, grid, kk, 1f, w, g * fg * kk, kk, b, bOff, grid,
                                0f, y, n0 * filters * grid + g * fg * grid, grid);
                    } else {
                        Gemm.sgemm(false, false, fg, wide, kk, 1f, w, g * fg * kk, kk, b, bOff, wide,
                                0f, out, g * fg * wide, wide);
                    }
                }
                for (int i = 0; i < nb; i++) {
                    int yOff = (n0 + i) * filters * grid;
                    if (nb > 1) {
                        for (int f = 0; f < filters; f++) {
                            System.arraycopy(out, f * wide + i * grid, y, yOff + f * grid, grid);
                        }
                    }
                    finishImage(y, yOff, bias, filters, grid, epilogue, sequential);
                }
            }
        });
        return y;
    }

    /**
     * Adds the bias (unless null) to one image's complete result at {@code y[yOff...]} and runs the epilogue (unless
     * null) on it, over the threads if {@code split}.
     */
    static void finishImage(float[] y, int yOff, float[] bias, int filters, int grid, OutputEpilogue epilogue,
                            boolean split) {
        if (bias != null) {
            addBias(y, yOff, bias, filters, grid);
        }
        finish(epilogue, y, yOff, yOff + filters * grid, split);
    }

    /** Elements an epilogue part covers at least when one image's epilogue is split over the threads. */
    private static final int EPILOGUE_GRAIN = 1 << 13;

    /** Runs {@code epilogue} (unless null) on {@code [from, to)} of {@code y}, over the threads if {@code split}. */
    private static void finish(OutputEpilogue epilogue, Object y, int from, int to, boolean split) {
        if (epilogue == null || from >= to) {
            return;
        }
        int parts = split ? Math.min(Parallel.threads(), Math.max(1, (to - from) / EPILOGUE_GRAIN)) : 1;
        if (parts == 1) {
            epilogue.apply(y, from, to);
            return;
        }
        Parallel.forParts(parts, true, part -> epilogue.apply(y, from + (int) ((long) (to - from) * part / parts),
                from + (int) ((long) (to - from) * (part + 1) / parts)));
    }

    /**
     * How many images one product covers: enough for about {@link #TARGET_COLUMNS} columns, no more than the
     * column buffer budget allows (but at least one), spread evenly over the batch.
     */
    static int imagesPerProduct(int batch, long rows, int grid) {
        if (batch <= 1) {
            return 1;
        }
        long byWidth = (TARGET_COLUMNS + grid - 1) / grid;
        long byMemory = Math.max(1, COLUMN_BUDGET / Math.max(1, rows * grid));
        int per = (int) Math.max(1, Math.min(batch, Math.min(byWidth, byMemory)));
        int steps = (batch + per - 1) / per;
        return (batch + steps - 1) / steps;
    }

    /**
     * im2col of images {@code [n0, n0 + nb)} into one matrix of {@code wide} columns, image {@code i} in columns
     * {@code [i * grid, (i + 1) * grid)}; split over (image, channel) pairs across the threads when asked.
     */
    static void fillColumns(float[] x, int n0, int nb, int channels, int image, Window win, float[] col,
                                    int wide, boolean parallel) {
        int grid = win.gridSize();
        int pairs = nb * channels;
        int parts = parallel ? (int) Math.min(pairs, Math.max(1, (long) pairs * win.kernelSize() * grid
                / IM2COL_GRAIN)) : 1;
        int chunks = Math.min(parts, IM2COL_PARTS);
        // planes of a few vectors (4x4, 8x8) are gathered in registers: copying them costs more per copy than per float
        VectorSmallIm2Col.Plan small = VECTOR && VectorSmallIm2Col.applies(win) ? VectorSmallIm2Col.Plan.of(win)
                : null;
        Parallel.forParts(chunks, true, part -> {
            int to = (int) ((long) pairs * (part + 1) / chunks);
            int t = (int) ((long) pairs * part / chunks);
            while (t < to) {
                int i = t / channels;
                int cFrom = t - i * channels;
                int cTo = Math.min(channels, cFrom + (to - t));
                if (small != null) {
                    VectorSmallIm2Col.im2col(x, (n0 + i) * channels * image, cFrom, cTo, small, col, i * grid, wide);
                } else {
                    Im2Col.im2col(x, (n0 + i) * channels * image, cFrom, cTo, win, col, i * grid, wide);
                }
                t += cTo - cFrom;
            }
        });
    }

    /** Double-precision {@link #convolution(float[], float[], float[], int, int, int, int, Window)}. */
    static double[] convolution(double[] x, double[] w, double[] bias, int batch, int channels, int filters,
                                int groups, Window win) {
        return convolution(x, w, bias, batch, channels, filters, groups, win, null, null);
    }

    /**
     * Double-precision
     * {@link #convolution(float[], float[], float[], int, int, int, int, Window, OutputEpilogue, float[])}.
     */
    static double[] convolution(double[] x, double[] w, double[] bias, int batch, int channels, int filters,
                                int groups, Window win, OutputEpilogue epilogue, double[] out) {
        int cg = channels / groups;
        int fg = filters / groups;
        int kk = cg * win.kernelSize();
        int grid = win.gridSize();
        int image = win.imageSize();
        boolean pointwise = win.isPointwise();
        double[] y = output(out, batch * filters * grid);
        if (fg == 0 || grid == 0 || kk == 0) {
            Arrays.fill(y, 0.0);
        }
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
                finish(epilogue, y, yOff, yOff + filters * grid, false);
            }
        });
        return y;
    }

    /**
     * Transposed convolution: {@code x} is (batch, channels, grid...), {@code w} is (channels, filters / groups,
     * kernel...), {@code bias} is (filters) or null; returns (batch, filters, image...), where the window's padding
     * crops the full transposed result. As in the forward kernel, images of a small grid are gathered side by side
     * ({@link #imagesPerProduct}) so one product per group covers them all (the weight is packed once for them, not
     * once per image); each image's columns are then scattered back by col2im. Every column element is the same sum
     * however the images are grouped, so results do not depend on the batch grouping or the thread count.
     */
    static float[] deconvolution(float[] x, float[] w, float[] bias, int batch, int channels, int filters,
                                 int groups, Window win) {
        return deconvolution(x, w, bias, batch, channels, filters, groups, win, null);
    }

    /**
     * {@link #deconvolution(float[], float[], float[], int, int, int, int, Window)} into {@code out} when given
     * (cleared first, as col2im adds up, unless the taps tile the output and each element is written once), else
     * into a new array.
     */
    static float[] deconvolution(float[] x, float[] w, float[] bias, int batch, int channels, int filters,
                                 int groups, Window win, float[] out) {
        int cg = channels / groups;
        int taps = win.kernelSize();
        int rows = filters / groups * taps;
        int grid = win.gridSize();
        int image = win.imageSize();
        float[] y = output(out, batch * filters * image);
        // taps that tile the output write each element once, bias included, instead of adding onto zeros
        boolean tiles = Im2Col.tilesExactly(win) && rows > 0 && grid > 0 && cg > 0;
        if (out != null && !tiles) {
            Arrays.fill(y, 0f);
        }
        if (rows == 0 || grid == 0 || cg == 0) {
            if (bias != null) {
                for (int n = 0; n < batch; n++) {
                    addBias(y, n * filters * image, bias, filters, image);
                }
            }
            return y;
        }
        int per = imagesPerProduct(batch, (long) filters * taps, grid);
        int steps = (batch + per - 1) / per;
        long work = (long) rows * per * grid * cg;
        boolean sequential = work >= GEMM_PARALLEL_WORK || Parallel.threads() == 1;
        Parallel.forRange(steps, sequential ? steps : grain(steps, work), (from, to) -> {
            float[] col = ConvScratch.floats(ConvScratch.Slot.COLUMNS, filters * taps * grid * per);
            float[] gathered = per > 1 ? ConvScratch.floats(ConvScratch.Slot.GATHERED, channels * grid * per) : null;
            for (int step = from; step < to; step++) {
                int n0 = step * per;
                int nb = Math.min(per, batch - n0);
                int wide = nb * grid;
                float[] src = x;
                int srcOff = n0 * channels * grid;
                if (nb > 1) {
                    gather(x, srcOff, nb, channels, grid, gathered);
                    src = gathered;
                    srcOff = 0;
                }
                for (int g = 0; g < groups; g++) {
                    Gemm.sgemm(true, false, rows, wide, cg, 1f, w, g * cg * rows, rows, src, srcOff + g * cg * wide,
                            wide, 0f, col, g * rows * wide, wide);
                }
                int parts = sequential ? (int) Math.min(Math.min(filters, IM2COL_PARTS),
                        Math.max(1, (long) filters * taps * wide / IM2COL_GRAIN)) : 1;
                int images = nb;
                Parallel.forParts(parts, true, part -> {
                    int fFrom = (int) ((long) filters * part / parts);
                    int fTo = (int) ((long) filters * (part + 1) / parts);
                    for (int i = 0; i < images; i++) {
                        if (tiles) {
                            Im2Col.placeTiles(col, i * grid, wide, fFrom, fTo, win, bias, y,
                                    (n0 + i) * filters * image);
                        } else {
                            Im2Col.col2im(col, i * grid, wide, fFrom, fTo, win, y, (n0 + i) * filters * image);
                        }
                    }
                });
                if (bias != null && !tiles) {
                    for (int i = 0; i < nb; i++) {
                        addBias(y, (n0 + i) * filters * image, bias, filters, image);
                    }
                }
            }
        });
        return y;
    }

    /**
     * Copies {@code nb} consecutive (rows, grid) matrices starting at {@code a[aOff]} side by side into one
     * (rows, nb * grid) matrix in {@code out}: image {@code i} in columns {@code [i * grid, (i + 1) * grid)}.
     */
    static void gather(float[] a, int aOff, int nb, int rows, int grid, float[] out) {
        int wide = nb * grid;
        for (int i = 0; i < nb; i++) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(a, aOff + (i * rows + r) * grid, out, r * wide + i * grid, grid);
            }
        }
    }

    /** Double-precision {@link #deconvolution(float[], float[], float[], int, int, int, int, Window)}. */
    static double[] deconvolution(double[] x, double[] w, double[] bias, int batch, int channels, int filters,
                                  int groups, Window win) {
        return deconvolution(x, w, bias, batch, channels, filters, groups, win, null);
    }

    /** Double-precision {@link #deconvolution(float[], float[], float[], int, int, int, int, Window, float[])}. */
    static double[] deconvolution(double[] x, double[] w, double[] bias, int batch, int channels, int filters,
                                  int groups, Window win, double[] out) {
        int cg = channels / groups;
        int rows = filters / groups * win.kernelSize();
        int grid = win.gridSize();
        int image = win.imageSize();
        double[] y = output(out, batch * filters * image);
        if (out != null) {
            Arrays.fill(y, 0.0);
        }
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

    /**
     * The array a kernel writes its {@code n}-element result into: {@code out} (the executor's planned output, with
     * whatever it held) when given, else a new zero-filled one.
     */
    static float[] output(float[] out, int n) {
        return out != null ? out : new float[n];
    }

    /** Double-precision {@link #output(float[], int)}. */
    static double[] output(double[] out, int n) {
        return out != null ? out : new double[n];
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
