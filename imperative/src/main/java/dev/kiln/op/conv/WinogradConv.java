package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.op.OutputEpilogue;
import dev.kiln.parallel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Float32 3x3 unit-stride convolution by Winograd's minimal filtering F(2x2, 3x3): each 2x2 block of outputs (a tile)
 * comes from a 4x4 block of the padded input, and in the transformed domain the 9 multiply-adds per output and channel
 * become 4, as 16 GEMMs ({@code U[t] (filters x channels) * V[t] (channels x tiles)}, one per transformed position
 * {@code t}). The transforms are additions and halvings. Results differ from the direct sum by rounding only, in
 * the order of a few units in the last place times the operands' magnitude (about what reordering the sum gives),
 * and do not depend on the thread count. Taken by layers wide and deep enough that the GEMMs dominate
 * ({@link #applies}); only loaded when the Vector API is available.
 *
 * <p>Input tiles are transformed in vector lanes, one lane per tile of a tile row: each padded input row is first
 * split into its even and odd columns, so that a tile's four columns are two unit-stride loads, each shifted by one
 * tile for the right half.
 */
final class WinogradConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Least channels and filters. Measured on 2 threads (ms, direct against Winograd): 64 channels and filters on
     * 32x32 at batch 32, 6.2 against 6.5 (the 64-deep GEMMs run well below peak); 128 on 16x16 at batch 32, 7.0
     * against 6.2; 256 on 8x8 at batch 32, 5.6 against 4.4.
     */
    static final int MIN_DEPTH = 128;
    /**
     * Least tiles over the whole batch, which pay for transforming the filters once per call: 256 channels and
     * filters on 8x8 at batch 8 (128 tiles) took 1.6 ms against 1.4 ms direct.
     */
    static final int MIN_TILES = 512;
    /**
     * Least tiles per image: smaller grids leave most vector lanes of the transforms idle (512 channels and filters
     * on 4x4 at batch 32: 6.2 ms direct, 10.8 ms Winograd).
     */
    static final int MIN_IMAGE_TILES = 16;
    /** Floats one product's transformed input aims for (1 MB), which fixes how many images it covers. */
    private static final long PRODUCT_FLOATS = 1L << 18;
    /**
     * Lane indices into two vectors laid end to end (for {@code selectFrom}, which C2 compiles to one two-vector
     * permute where a two-vector {@code rearrange} was boxed): their even lanes, their odd lanes, and the lanes of the
     * first halves and of the second halves interleaved.
     */
    private static final FloatVector EVEN = indices(0);
    private static final FloatVector ODD = indices(1);
    private static final FloatVector ZIP_LOW = zip(0);
    private static final FloatVector ZIP_HIGH = zip(L / 2);

    private WinogradConv() {
    }

    private static FloatVector indices(int parity) {
        float[] lanes = new float[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = 2 * i + parity;
        }
        return FloatVector.fromArray(S, lanes, 0);
    }

    private static FloatVector zip(int from) {
        float[] lanes = new float[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = (i % 2 == 0 ? 0 : L) + from + i / 2;
        }
        return FloatVector.fromArray(S, lanes, 0);
    }

    /** Whether a convolution of {@code batch} images over {@code win} runs here. */
    static boolean applies(Window win, int groups, int channels, int filters, int batch) {
        if (groups != 1 || channels < MIN_DEPTH || filters < MIN_DEPTH || win.image()[0] != 1
                || win.grid()[0] != 1 || win.kernel()[0] != 1 || win.kernel()[1] != 3 || win.kernel()[2] != 3
                || win.stride()[1] != 1 || win.stride()[2] != 1 || win.dilate()[1] != 1 || win.dilate()[2] != 1
                || win.grid()[1] < 2 || win.grid()[2] < 2) {
            return false;
        }
        int tiles = Layout.of(win).tilesPerImage();
        return tiles >= MIN_IMAGE_TILES && (long) batch * tiles >= MIN_TILES;
    }

    /**
     * Sizes of the tiling of one image: {@code tilesY x tilesX} tiles, and padded input rows split into even and
     * odd columns, {@code half} floats each ({@code tilesX + 1} used, rounded up to whole vectors).
     */
    record Layout(int height, int width, int padTop, int padLeft, int gridHeight, int gridWidth, int tilesY,
                  int tilesX, int half) {
        static Layout of(Window w) {
            int tilesY = (w.grid()[1] + 1) / 2;
            int tilesX = (w.grid()[2] + 1) / 2;
            int half = (tilesX + 1 + L - 1) / L * L;
            return new Layout(w.image()[1], w.image()[2], w.pad()[1], w.pad()[2], w.grid()[1], w.grid()[2], tilesY,
                    tilesX, half);
        }

        int tilesPerImage() {
            return tilesY * tilesX;
        }

        /** Padded input rows the tiles read. */
        int rows() {
            return 2 * tilesY + 2;
        }
    }

    /**
     * The convolution of {@code batch} images into {@code y} (every element written), then the bias and the
     * epilogue (unless null) per image, as {@link ConvKernels#convolution} does. A few images make one product (about
     * {@link #PRODUCT_FLOATS} of transformed input); products run side by side over the threads when there are two
     * per thread, else one after another with each phase (input transform, GEMMs, output transform) split.
     */
    static void convolution(float[] x, float[] w, float[] bias, int batch, int channels, int filters, Window win,
                            OutputEpilogue epilogue, float[] y) {
        Layout lay = Layout.of(win);
        int tpi = lay.tilesPerImage();
        int per = (int) Math.max(1, Math.min(batch, PRODUCT_FLOATS / (16L * channels * tpi)));
        int steps = (batch + per - 1) / per;
        int images = (batch + steps - 1) / steps;
        boolean split = steps < 2 * Parallel.threads();
        float[] u = filterTransform(w, filters, channels, split);
        int grid = win.gridSize();
        int image = win.imageSize();
        Parallel.forRange(steps, split ? steps : 1, (from, to) -> {
            for (int step = from; step < to; step++) {
                int n0 = step * images;
                int nb = Math.min(images, batch - n0);
                int ld = nb * tpi;
                // a vector of slack past the end: partial tile rows load whole vectors
                float[] v = ConvScratch.floats(ConvScratch.Slot.COLUMNS, 16 * channels * ld + L);
                float[] m = ConvScratch.floats(ConvScratch.Slot.GATHERED, 16 * filters * ld + L);
                Parallel.forRange(nb * channels, split ? 1 : Integer.MAX_VALUE, (q0, q1) -> {
                    float[] rows = ConvScratch.floats(ConvScratch.Slot.PADDED, rowScratch(lay));
                    for (int q = q0; q < q1; q++) {
                        int i = q / channels;
                        int c = q - i * channels;
                        inputTiles(x, ((n0 + i) * channels + c) * image, lay, rows, v, c * ld + i * tpi,
                                channels * ld);
                    }
                });
                Parallel.forRange(16, split ? 1 : Integer.MAX_VALUE, (t0, t1) -> {
                    for (int t = t0; t < t1; t++) {
                        Gemm.sgemm(false, false, filters, ld, channels, 1f, u, t * filters * channels, channels,
                                v, t * channels * ld, ld, 0f, m, t * filters * ld, ld);
                    }
                });
                Parallel.forRange(nb * filters, split ? 1 : Integer.MAX_VALUE, (q0, q1) -> {
                    for (int q = q0; q < q1; q++) {
                        int i = q / filters;
                        int f = q - i * filters;
                        outputTiles(m, f * ld + i * tpi, filters * ld, lay, y, ((n0 + i) * filters + f) * grid);
                    }
                });
                for (int i = 0; i < nb; i++) {
                    ConvKernels.finishImage(y, (n0 + i) * filters * grid, bias, filters, grid, epilogue, split);
                }
            }
        });
    }

    /** Floats of the row scratch {@link #inputTiles} takes: the split rows, a vector of slack, one padded row. */
    static int rowScratch(Layout lay) {
        return 2 * lay.rows() * lay.half() + 2 * L + 2 * lay.half();
    }

    /**
     * {@code U[t][f][c] = (G g G^T)[t]} for each filter {@code f} and channel {@code c} of {@code w} (filters,
     * channels, 3, 3), G being F(2x2, 3x3)'s filter transform; {@code L} channels at a time in vector lanes. The
     * result is the calling thread's scratch.
     */
    static float[] filterTransform(float[] w, int filters, int channels, boolean split) {
        int plane = filters * channels;
        float[] u = ConvScratch.floats(ConvScratch.Slot.WEIGHTS, 16 * plane);
        Parallel.forRange(filters, split ? 1 : Integer.MAX_VALUE, (f0, f1) -> {
            float[] out = new float[16];
            for (int f = f0; f < f1; f++) {
                for (int c = 0; c < channels; c++) {
                    filter(w, (f * channels + c) * 9, out);
                    for (int t = 0; t < 16; t++) {
                        u[t * plane + f * channels + c] = out[t];
                    }
                }
            }
        });
        return u;
    }

    /**
     * One kernel's transform, {@code out = G g G^T} (4 x 4) of {@code g} (3 x 3, at {@code w[at...]}). Scalar: a
     * vector form (16 kernels per vector) boxed its vectors in C2's compilation, over 100 MB per ResNet-18 training
     * step.
     */
    static void filter(float[] w, int at, float[] out) {
        float[] gg = new float[12];
        for (int col = 0; col < 3; col++) {
            float a = w[at + col];
            float b = w[at + 3 + col];
            float c = w[at + 6 + col];
            gg[col] = a;
            gg[3 + col] = (a + b + c) * 0.5f;
            gg[6 + col] = (a - b + c) * 0.5f;
            gg[9 + col] = c;
        }
        for (int r = 0; r < 4; r++) {
            float a = gg[3 * r];
            float b = gg[3 * r + 1];
            float c = gg[3 * r + 2];
            out[4 * r] = a;
            out[4 * r + 1] = (a + b + c) * 0.5f;
            out[4 * r + 2] = (a - b + c) * 0.5f;
            out[4 * r + 3] = c;
        }
    }

    /**
     * Transforms one channel plane of one image ({@code x[xOff...]}) into {@code V[t][tile]} at
     * {@code v[vOff + t * tStride + tile]}: {@code B^T d B} of each tile's 4x4 padded input {@code d}. {@code rows}
     * ({@link #rowScratch} floats) holds the padded rows split into even and odd columns.
     */
    static void inputTiles(float[] x, int xOff, Layout lay, float[] rows, float[] v, int vOff, int tStride) {
        int half = lay.half();
        int stride = 2 * half;
        int line = lay.rows() * stride + 2 * L;
        for (int r = 0; r < lay.rows(); r++) {
            splitRow(x, xOff, lay, r - lay.padTop(), rows, line, r * stride, half);
        }
        int tx = lay.tilesX();
        for (int ty = 0; ty < lay.tilesY(); ty++) {
            for (int c0 = 0; c0 < tx; c0 += L) {
                int top = 2 * ty * stride + c0;
                int at = vOff + ty * tx + c0;
                // rows of B^T d: d0 - d2, d1 + d2, d2 - d1, d1 - d3 (d_i: the tiles' input row i)
                inputRow(rows, top, top + 2 * stride, true, half, v, at, tStride, c0, tx);
                inputRow(rows, top + stride, top + 2 * stride, false, half, v, at + 4 * tStride, tStride, c0, tx);
                inputRow(rows, top + 2 * stride, top + stride, true, half, v, at + 8 * tStride, tStride, c0, tx);
                inputRow(rows, top + stride, top + 3 * stride, true, half, v, at + 12 * tStride, tStride, c0, tx);
            }
        }
    }

    /**
     * One row of {@code B^T d} ({@code d_p - d_q} or {@code d_p + d_q}, the tiles' input rows starting at
     * {@code rows[p]} and {@code rows[q]}: columns even, odd, even + 1, odd + 1), then that row times {@code B},
     * stored to its four positions from {@code v[at]} for tiles {@code [c0, min(c0 + L, tx))}. Kept apart and small
     * so that C2 compiles every vector operation in it to vector instructions.
     */
    private static void inputRow(float[] rows, int p, int q, boolean minus, int half, float[] v, int at, int tStride,
                                 int c0, int tx) {
        FloatVector a = combine(rows, p, q, minus);
        FloatVector b = combine(rows, p + half, q + half, minus);
        FloatVector c = combine(rows, p + 1, q + 1, minus);
        FloatVector e = combine(rows, p + half + 1, q + half + 1, minus);
        VectorMask<Float> valid = S.indexInRange(c0, tx);
        a.sub(c).intoArray(v, at, valid);
        b.add(c).intoArray(v, at + tStride, valid);
        c.sub(b).intoArray(v, at + 2 * tStride, valid);
        b.sub(e).intoArray(v, at + 3 * tStride, valid);
    }

    private static FloatVector combine(float[] a, int p, int q, boolean minus) {
        FloatVector x = FloatVector.fromArray(S, a, p);
        FloatVector y = FloatVector.fromArray(S, a, q);
        return minus ? x.sub(y) : x.add(y);
    }

    /**
     * Padded input row {@code y} (negative or past the image: padding) of the plane at {@code x[xOff...]}, split into
     * its even columns at {@code rows[at...]} and its odd ones at {@code rows[at + half...]}, zero past the image;
     * {@code rows[line...]} is scratch for the padded row.
     */
    private static void splitRow(float[] x, int xOff, Layout lay, int y, float[] rows, int line, int at, int half) {
        Arrays.fill(rows, line, line + 2 * half, 0f);
        if (y >= 0 && y < lay.height()) {
            int from = Math.max(0, -lay.padLeft());
            int to = Math.min(lay.width(), 2 * half - lay.padLeft());
            if (from < to) {
                System.arraycopy(x, xOff + y * lay.width() + from, rows, line + lay.padLeft() + from, to - from);
            }
        }
        for (int k = 0; k < half; k += L) {
            FloatVector a = FloatVector.fromArray(S, rows, line + 2 * k);
            FloatVector b = FloatVector.fromArray(S, rows, line + 2 * k + L);
            EVEN.selectFrom(a, b).intoArray(rows, at + k);
            ODD.selectFrom(a, b).intoArray(rows, at + half + k);
        }
    }

    /**
     * Transforms one filter's plane of one image back: {@code A^T m A} of each tile's 4x4 {@code m} (read at
     * {@code m[mOff + t * tStride + tile]}) is its 2x2 block of outputs, written to the grid at {@code y[yOff...]}.
     */
    static void outputTiles(float[] m, int mOff, int tStride, Layout lay, float[] y, int yOff) {
        int tx = lay.tilesX();
        int gw = lay.gridWidth();
        for (int ty = 0; ty < lay.tilesY(); ty++) {
            for (int c0 = 0; c0 < tx; c0 += L) {
                int at = mOff + ty * tx + c0;
                int row = yOff + 2 * ty * gw + 2 * c0;
                // rows of A^T m: m0 + m1 + m2 and m1 - m2 - m3
                outputRow(m, at, at + 4 * tStride, at + 8 * tStride, false, tStride, y, row, gw - 2 * c0);
                if (2 * ty + 1 < lay.gridHeight()) {
                    outputRow(m, at + 4 * tStride, at + 8 * tStride, at + 12 * tStride, true, tStride, y, row + gw,
                            gw - 2 * c0);
                }
            }
        }
    }

    /**
     * One output row of the tiles: the row of {@code A^T m} that is {@code m_p + m_q + m_r} (or {@code m_p - m_q -
     * m_r}), the rows of m starting at {@code m[p]}, {@code m[q]}, {@code m[r]} with columns {@code tStride} apart,
     * times {@code A}: columns {@code a + b + c} and {@code b - c - e}, interleaved into {@code y[row...]}.
     */
    private static void outputRow(float[] m, int p, int q, int r, boolean minus, int tStride, float[] y, int row,
                                  int valid) {
        FloatVector a = column(m, p, q, r, minus);
        FloatVector b = column(m, p + tStride, q + tStride, r + tStride, minus);
        FloatVector c = column(m, p + 2 * tStride, q + 2 * tStride, r + 2 * tStride, minus);
        FloatVector e = column(m, p + 3 * tStride, q + 3 * tStride, r + 3 * tStride, minus);
        FloatVector left = a.add(b).add(c);
        FloatVector right = b.sub(c).sub(e);
        store(ZIP_LOW.selectFrom(left, right), y, row, valid);
        store(ZIP_HIGH.selectFrom(left, right), y, row + L, valid - L);
    }

    private static FloatVector column(float[] m, int p, int q, int r, boolean minus) {
        FloatVector x = FloatVector.fromArray(S, m, p);
        FloatVector y = FloatVector.fromArray(S, m, q);
        FloatVector z = FloatVector.fromArray(S, m, r);
        return minus ? x.sub(y).sub(z) : x.add(y).add(z);
    }

    /** The first {@code valid} lanes of {@code v} (all if at least a vector) into {@code y[at...]}. */
    private static void store(FloatVector v, float[] y, int at, int valid) {
        if (valid >= L) {
            v.intoArray(y, at);
        } else if (valid > 0) {
            if (at + L <= y.length) {
                v.intoArray(y, at, S.indexInRange(0, valid));
            } else {
                System.arraycopy(v.toArray(), 0, y, at, valid);
            }
        }
    }
}
