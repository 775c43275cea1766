package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.gemm.VectorTranspose;
import dev.kiln.parallel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The weight gradient of {@link WinogradConv}'s layers in the same transformed domain: with {@code V = B^T d B} of
 * each input tile and {@code dM = A dY A^T} of each 2x2 output-gradient tile, the gradient of the transformed filters
 * is {@code dU[t] = sum over tiles of V[t]^T dM[t]} (channels x filters, sixteen products as deep as the tiles), and
 * the kernel gradient is {@code G^T dU G}. Exact in real arithmetic, as the forward is; 16 multiply-adds per tile,
 * channel and filter instead of 36.
 *
 * <p>The tiles of the batch are cut into a number of runs fixed by the shapes alone, each summing its own
 * {@code dU}; the runs' sums are added in order, so results do not depend on the thread count.
 */
final class WinogradWeightGrad {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 4 * L;
    private static final int MR = Gemm.REGISTER_ROWS;
    /** Most runs. */
    private static final int MAX_RUNS = 4;
    /**
     * Least tiles of a run: each run reads and writes its whole sum once per block, which only pays over enough tiles
     * (measured on 2 threads, ms, products against Winograd, 64 tiles per run: 64 channels and filters on 32x32 at
     * batch 1, 0.29 against 0.35; 128 tiles per run: 0.33 against 0.25).
     */
    static final int RUN_TILES = 128;
    /**
     * Most floats of one run's sum {@code dU} (16 x channels x filters, 4 MB): 512 channels and filters (16 MB per
     * run) ran slower than the products at every batch measured (4x4 at batch 64: 13.6 ms against 16.8).
     */
    static final int MAX_SUM_FLOATS = 1 << 20;
    /** Most tiles in one block (depth of its products). */
    private static final int MAX_BLOCK_TILES = 192;
    /** Floats a block's transformed input (or output gradient) aims to stay within, as in the forward. */
    private static final int BLOCK_FLOATS = 1 << 19;

    private WinogradWeightGrad() {
    }

    /** Whether the weight gradient of a convolution of {@code batch} images over {@code win} runs here. */
    static boolean applies(Window win, int groups, int channels, int filters, int batch) {
        if (!WinogradConv.applies(win, groups, channels, filters, batch)) {
            return false;
        }
        WinogradConv.Layout lay = WinogradConv.Layout.of(win, channels, filters);
        return (long) batch * lay.tilesPerImage() >= 2 * RUN_TILES && 16L * lay.cp() * lay.fp() <= MAX_SUM_FLOATS;
    }

    /**
     * {@code dw} (filters, channels, 3, 3), every element written: the weight gradient of the convolution over
     * {@code win} of {@code x} (batch, channels, image) whose output gradient is {@code dy} (batch, filters, grid).
     */
    static void weightGrad(float[] dy, float[] x, int batch, int filters, int channels, Window win, float[] dw) {
        WinogradConv.Layout lay = WinogradConv.Layout.of(win, channels, filters);
        WinogradConv.Layout side = lay.outputSide();
        int cp = lay.cp();
        int fp = lay.fp();
        int tiles = batch * lay.tilesPerImage();
        int runs = Math.max(1, Math.min(MAX_RUNS, tiles / RUN_TILES));
        int sum = 16 * cp * fp;
        float[] partials = ConvScratch.floats(ConvScratch.Slot.PACKED_WEIGHTS, runs * sum);
        int size = Math.max(MR, Math.min(MAX_BLOCK_TILES, BLOCK_FLOATS / (16 * Math.max(cp, fp))));
        int tpi = lay.tilesPerImage();
        int perGroup = Math.max(1, size / tpi);
        Parallel.forRange(runs, 1, (r0, r1) -> {
            float[] v = ConvScratch.floats(ConvScratch.Slot.COLUMNS, (16 * size + MR) * cp);
            float[] m = ConvScratch.floats(ConvScratch.Slot.GATHERED, 16 * size * fp);
            float[] tile = ConvScratch.floats(ConvScratch.Slot.TILE, MR * NR);
            float[] xh = ConvScratch.floats(ConvScratch.Slot.PADDED, perGroup * lay.paddedImage());
            float[] gh = ConvScratch.floats(ConvScratch.Slot.PARTIALS, perGroup * side.paddedImage());
            for (int r = r0; r < r1; r++) {
                Arrays.fill(partials, r * sum, (r + 1) * sum, 0f);
                int to = (int) ((long) tiles * (r + 1) / runs);
                for (int j = (int) ((long) tiles * r / runs); j < to; ) {
                    // the group of images holding tile j, moved channels-last as far as this run needs it
                    int n0 = j / (perGroup * tpi) * perGroup;
                    int start = n0 * tpi;
                    int end = Math.min(to, start + Math.min(perGroup, batch - n0) * tpi);
                    for (int i = (j - start) / tpi; i < (end - start + tpi - 1) / tpi; i++) {
                        toChannelsLast(x, dy, n0 + i, lay, side, xh, i, gh, tile);
                    }
                    int blocks = (end - j + size - 1) / size;
                    int step = Math.min(size, (end - j + blocks - 1) / blocks + MR - 1) / MR * MR;
                    for (int j0 = j; j0 < end; j0 += step) {
                        block(xh, gh, v, m, tile, partials, r * sum, lay, side, j0 - start, Math.min(step, end - j0));
                    }
                    j = end;
                }
            }
        });
        if (runs > 1) {
            // the runs' sums added in run order into the first's, over contiguous parts of it
            Parallel.forRange(sum / L, 1 << 12, (k0, k1) -> {
                for (int r = 1; r < runs; r++) {
                    add(partials, r * sum, k0 * L, k1 * L);
                }
            });
        }
        int ld = (filters + L - 1) / L * L;
        float[] dwt = ConvScratch.floats(ConvScratch.Slot.TRANSPOSED_WEIGHTS, channels * 9 * ld);
        Parallel.forRange(channels, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int f = 0; f < ld; f += L) {
                    WinogradTiles.filterGradient(partials, c * fp + f, cp * fp, dwt, c * 9 * ld + f, ld);
                }
            }
        });
        int depth = channels * 9;
        Parallel.forRange((filters + L - 1) / L, 1, (p0, p1) -> {
            int f0 = p0 * L;
            int f1 = Math.min(filters, p1 * L);
            VectorTranspose.transpose(depth, f1 - f0, dwt, f0, ld, dw, f0 * depth, depth);
        });
    }

    /** {@code a[from, to)} plus {@code a[from + offset, to + offset)}, into the first ({@code to - from} whole vectors). */
    private static void add(float[] a, int offset, int from, int to) {
        for (int k = from; k < to; k += L) {
            FloatVector.fromArray(S, a, k).add(FloatVector.fromArray(S, a, k + offset)).intoArray(a, k);
        }
    }

    /** Image {@code n} of {@code x} and of {@code dy} into slot {@code i} of the channels-last {@code xh} and {@code gh}. */
    private static void toChannelsLast(float[] x, float[] dy, int n, WinogradConv.Layout lay,
                                       WinogradConv.Layout side, float[] xh, int i, float[] gh, float[] tmp) {
        int channels = lay.channels();
        int filters = lay.filters();
        int image = lay.height() * lay.width();
        for (int c0 = 0; c0 < channels; c0 += L) {
            ChannelsLast.toPadded(x, n * channels * image, lay, c0, Math.min(channels, c0 + L), xh,
                    i * lay.paddedImage(), tmp);
        }
        for (int f0 = 0; f0 < filters; f0 += L) {
            ChannelsLast.toPadded(dy, n * filters * lay.grid(), side, f0, Math.min(filters, f0 + L), gh,
                    i * side.paddedImage(), tmp);
        }
    }

    /**
     * Tiles {@code [j0, j0 + count)} of a group of images already channels-last in {@code xh} and {@code gh}: their
     * input transforms into {@code v} (rows of {@code cp} channels), their output-gradient transforms into {@code m} (panels of {@code NR} filters, a row per tile), and
     * the sixteen products {@code V[t]^T dM[t]} added to the run's sums at {@code partials[at...]} ({@code [t][c][fp]}).
     */
    private static void block(float[] xh, float[] gh, float[] v, float[] m, float[] tile, float[] partials, int at,
                              WinogradConv.Layout lay, WinogradConv.Layout side, int j0, int count) {
        int cp = lay.cp();
        int fp = lay.fp();
        int panels = lay.panels();
        int gcols = side.paddedColumns();
        int vs = count * cp;
        int ms = panels * count * NR;
        WinogradConv.inputTiles(xh, lay, j0, count, v);
        for (int j = 0; j < count; j++) {
            int gAt = side.corner(j0 + j);
            for (int f = 0; f < lay.filters(); f += L) {
                int p = f / NR;
                WinogradTiles.gradient(gh, gAt + f, gcols * fp, fp, m, (p * count + j) * NR + f - p * NR, ms);
            }
        }
        for (int t = 0; t < 16; t++) {
            for (int c0 = 0; c0 < cp; c0 += MR) {
                int rows = Math.min(MR, cp - c0);
                for (int p = 0; p < panels; p++) {
                    Gemm.registerBlock(count, v, t * vs + c0, 1, cp, m, (t * panels + p) * count * NR, tile, 0, NR);
                    accumulate(tile, rows, partials, at + (t * cp + c0) * fp + p * NR, fp);
                }
            }
        }
    }

    /** The first {@code rows} rows of the register block's result added to rows {@code stride} apart from {@code at}. */
    private static void accumulate(float[] tile, int rows, float[] sums, int at, int stride) {
        for (int r = 0; r < rows; r++) {
            int row = at + r * stride;
            for (int k = 0; k < NR; k += L) {
                FloatVector.fromArray(S, tile, r * NR + k).add(FloatVector.fromArray(S, sums, row + k))
                        .intoArray(sums, row + k);
            }
        }
    }
}
