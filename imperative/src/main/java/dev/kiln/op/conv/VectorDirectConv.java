package dev.kiln.op.conv;

import dev.kiln.parallel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;


/**
 * Float32 convolution of a shallow input (channels times taps at most {@link #MAX_DEPTH}, such as a first layer on
 * one or three channels) computed directly in vector lanes, for 2-D windows of unit stride whose grid rows are at
 * least a vector wide. As a GEMM such a layer has depth 9 or 27: the im2col copy and the packing cost more than the
 * few multiply-adds per output, and it ran at a twentieth of the machine's peak. Here each image is copied once into
 * a zero-padded plane, and a vector of consecutive outputs is the fused multiply-add chain over the taps of shifted
 * loads of that plane, four filters and four output rows per broadcast weight. Every output is the chain a GEMM over
 * the im2col matrix computes (from zero, tap by tap in weight order, padding taps included), so results are bitwise
 * those of {@link ConvKernels#convolutionByProducts}. A row whose width is not a whole number of vectors ends with a
 * vector that overlaps the one before it, and the last four rows of an image overlap the four before them (their
 * outputs are computed twice, identically). Only loaded when the Vector API is
 * available ({@link dev.kiln.kernel.simd.VectorSupport#isAvailable()}).
 */
final class VectorDirectConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Most channels times taps of a layer this kernel takes; deeper layers are a GEMM's work. */
    static final int MAX_DEPTH = 32;
    /** Multiply-adds per part at least when the work is split over the threads. */
    private static final long PART_WORK = 1L << 16;
    /** Output rows {@link #rows} computes together. */
    private static final int ROWS = 4;

    private VectorDirectConv() {
    }

    /** Whether a convolution of {@code groups} groups over {@code win}, {@code kk} deep per filter, runs here. */
    static boolean applies(Window win, int groups, int kk) {
        return groups == 1 && kk <= MAX_DEPTH && win.image()[0] == 1 && win.grid()[0] == 1 && win.kernel()[0] == 1
                && win.stride()[1] == 1 && win.stride()[2] == 1 && win.grid()[2] >= L;
    }

    /**
     * The convolution of {@code batch} images into {@code sink}, each image finished there once every element of it
     * is written, as {@link ConvKernels#convolution} does. Images are split over the threads; fewer images than
     * threads run one after another, each split by output rows and then finished over the threads.
     */
    static void convolution(float[] x, float[] w, int batch, int channels, int filters, Window win, ImageSink sink) {
        int gh = win.grid()[1];
        int image = win.imageSize();
        long rowWork = (long) filters * win.grid()[2] * channels * win.kernelSize();
        int[] taps = tapOffsets(channels, win);
        float[] w4 = weightsByFour(w, filters, taps.length);
        if (batch >= Parallel.threads()) {
            int grain = (int) Math.max(1, Math.min(batch, PART_WORK / Math.max(1, rowWork * gh)));
            Parallel.forRange(batch, grain, (from, to) -> {
                for (int n = from; n < to; n++) {
                    float[] plane = padded(x, n * channels * image, channels, win);
                    float[] y = sink.array(n);
                    rows(plane, taps, w4, filters, win, 0, gh, y, sink.offset(n));
                    sink.finish(n, y, false);
                }
            });
            return;
        }
        int grain = (int) Math.max(1, PART_WORK / Math.max(1, rowWork));
        for (int n = 0; n < batch; n++) {
            int xOff = n * channels * image;
            float[] y = sink.array(n);
            int yOff = sink.offset(n);
            Parallel.forRange(gh, grain, (from, to) -> rows(padded(x, xOff, channels, win), taps, w4, filters, win,
                    from, to, y, yOff));
            sink.finish(n, y, true);
        }
    }

    /** This thread's copy of one image's channels, each plane zero-padded to the window's full extent. */
    private static float[] padded(float[] x, int xOff, int channels, Window win) {
        float[] plane = ConvScratch.floats(ConvScratch.Slot.COLUMNS,
                channels * paddedHeight(win) * paddedWidth(win));
        pad(x, xOff, channels, win, plane, 0);
        return plane;
    }

    /**
     * Writes one image's channels into {@code plane} from {@code at} on as planes of {@link #paddedHeight} x
     * {@link #paddedWidth}, zero where the window reads padding: for a unit-stride window these are the padded planes
     * of {@link PaddedPanels#geometry}, so the copy is {@link PaddedPanels}'s.
     */
    static void pad(float[] x, int xOff, int channels, Window win, float[] plane, int at) {
        PaddedPanels.Geometry geo = PaddedPanels.geometry(win);
        int image = win.imageSize();
        for (int c = 0; c < channels; c++) {
            PaddedPanels.padPlane(x, xOff + c * image, geo, plane, at + c * geo.plane());
        }
    }

    /** Rows of a padded plane: the grid height plus the dilated kernel's reach. */
    static int paddedHeight(Window win) {
        return win.grid()[1] + (win.kernel()[1] - 1) * win.dilate()[1];
    }

    /** Columns of a padded plane: the grid width plus the dilated kernel's reach. */
    static int paddedWidth(Window win) {
        return win.grid()[2] + (win.kernel()[2] - 1) * win.dilate()[2];
    }

    /**
     * Where each tap (channel, then kernel row, then kernel column, the weight's order) of a window at the top left
     * of the padded planes reads.
     */
    static int[] tapOffsets(int channels, Window win) {
        int kh = win.kernel()[1];
        int kw = win.kernel()[2];
        int ph = paddedHeight(win);
        int pw = paddedWidth(win);
        int[] offsets = new int[channels * kh * kw];
        for (int c = 0, t = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, t++) {
                    offsets[t] = (c * ph + i * win.dilate()[1]) * pw + j * win.dilate()[2];
                }
            }
        }
        return offsets;
    }

    /**
     * The weights with the filters padded with zeros to a multiple of four, so that {@link #rows} takes every filter
     * four at a time (the padding filters' outputs are never stored).
     */
    private static float[] weightsByFour(float[] w, int filters, int kk) {
        float[] padded = new float[(filters + 3) / 4 * 4 * kk];
        System.arraycopy(w, 0, padded, 0, filters * kk);
        return padded;
    }

    /**
     * Output rows {@code [r0, r1)} of every filter of one image, from its padded planes ({@code taps} from
     * {@link #tapOffsets}, {@code w4} from {@link #weightsByFour}): four rows at a time where the range has four (a
     * last block overlapping the one before it), else one. Four rows share each broadcast weight, which one row
     * loaded per multiply-add (a 1-to-16-channel layer on 28x28 ran about 1.5 times faster on one thread).
     */
    private static void rows(float[] plane, int[] taps, float[] w4, int filters, Window win, int r0, int r1,
                             float[] y, int yOff) {
        int gw = win.grid()[2];
        int pw = paddedWidth(win);
        boolean four = r1 - r0 >= ROWS;
        for (int oy0 = r0; oy0 < r1; oy0 += four ? ROWS : 1) {
            // the last block overlaps the one before rather than reach past the range
            int oy = four ? Math.min(oy0, r1 - ROWS) : oy0;
            for (int ox = 0; ox < gw; ox += L) {
                int at = Math.min(ox, gw - L); // the last vector overlaps the one before rather than reach past
                int src = oy * pw + at;
                int out = yOff + oy * gw + at;
                for (int f = 0; f < filters; f += 4) {
                    if (four) {
                        fourRows(plane, src, pw, taps, w4, f, filters, win, y, out);
                    } else {
                        oneRow(plane, src, taps, w4, f, filters, win, y, out);
                    }
                }
            }
        }
    }

    /**
     * One vector of outputs at {@code out} (reading the plane from {@code src}) of filters {@code [f, f + 4)}: one
     * flat loop over the taps (a small loop body, which HotSpot compiles with its bounds checks folded; a nest of
     * channel, row and column loops it did not).
     */
    private static void oneRow(float[] plane, int src, int[] taps, float[] w4, int f, int filters, Window win,
                               float[] y, int out) {
        int kk = taps.length;
        int grid = win.gridSize();
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int wt = f * kk;
        for (int t = 0; t < kk; t++) {
            FloatVector v = FloatVector.fromArray(S, plane, src + taps[t]);
            a0 = v.fma(FloatVector.broadcast(S, w4[wt + t]), a0);
            a1 = v.fma(FloatVector.broadcast(S, w4[wt + kk + t]), a1);
            a2 = v.fma(FloatVector.broadcast(S, w4[wt + 2 * kk + t]), a2);
            a3 = v.fma(FloatVector.broadcast(S, w4[wt + 3 * kk + t]), a3);
        }
        a0.intoArray(y, out + f * grid);
        if (f + 1 < filters) {
            a1.intoArray(y, out + (f + 1) * grid);
        }
        if (f + 2 < filters) {
            a2.intoArray(y, out + (f + 2) * grid);
        }
        if (f + 3 < filters) {
            a3.intoArray(y, out + (f + 3) * grid);
        }
    }

    /**
     * {@link #oneRow} for the same vector of columns in four consecutive output rows ({@code pw} apart in the plane),
     * each output the same chain of fused multiply-adds.
     */
    private static void fourRows(float[] plane, int src, int pw, int[] taps, float[] w4, int f, int filters,
                                 Window win, float[] y, int out) {
        int kk = taps.length;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        FloatVector d0 = a0, d1 = a0, d2 = a0, d3 = a0;
        int wt = f * kk;
        for (int t = 0; t < kk; t++) {
            int s = src + taps[t];
            FloatVector v0 = FloatVector.fromArray(S, plane, s);
            FloatVector v1 = FloatVector.fromArray(S, plane, s + pw);
            FloatVector v2 = FloatVector.fromArray(S, plane, s + 2 * pw);
            FloatVector v3 = FloatVector.fromArray(S, plane, s + 3 * pw);
            FloatVector e = FloatVector.broadcast(S, w4[wt + t]);
            a0 = v0.fma(e, a0);
            b0 = v1.fma(e, b0);
            c0 = v2.fma(e, c0);
            d0 = v3.fma(e, d0);
            e = FloatVector.broadcast(S, w4[wt + kk + t]);
            a1 = v0.fma(e, a1);
            b1 = v1.fma(e, b1);
            c1 = v2.fma(e, c1);
            d1 = v3.fma(e, d1);
            e = FloatVector.broadcast(S, w4[wt + 2 * kk + t]);
            a2 = v0.fma(e, a2);
            b2 = v1.fma(e, b2);
            c2 = v2.fma(e, c2);
            d2 = v3.fma(e, d2);
            e = FloatVector.broadcast(S, w4[wt + 3 * kk + t]);
            a3 = v0.fma(e, a3);
            b3 = v1.fma(e, b3);
            c3 = v2.fma(e, c3);
            d3 = v3.fma(e, d3);
        }
        int gw = win.grid()[2];
        int at = out + f * win.gridSize();
        // stored here, not in a helper: a vector passed to a call HotSpot does not inline is boxed on the heap
        a0.intoArray(y, at);
        b0.intoArray(y, at + gw);
        c0.intoArray(y, at + 2 * gw);
        d0.intoArray(y, at + 3 * gw);
        at += win.gridSize();
        if (f + 1 < filters) {
            a1.intoArray(y, at);
            b1.intoArray(y, at + gw);
            c1.intoArray(y, at + 2 * gw);
            d1.intoArray(y, at + 3 * gw);
        }
        at += win.gridSize();
        if (f + 2 < filters) {
            a2.intoArray(y, at);
            b2.intoArray(y, at + gw);
            c2.intoArray(y, at + 2 * gw);
            d2.intoArray(y, at + 3 * gw);
        }
        at += win.gridSize();
        if (f + 3 < filters) {
            a3.intoArray(y, at);
            b3.intoArray(y, at + gw);
            c3.intoArray(y, at + 2 * gw);
            d3.intoArray(y, at + 3 * gw);
        }
    }
}
