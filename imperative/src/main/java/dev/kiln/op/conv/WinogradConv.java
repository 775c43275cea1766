package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.gemm.VectorTranspose;
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.OutputEpilogue;
import dev.kiln.parallel.Parallel;
import jdk.incubator.vector.FloatVector;

import java.util.Arrays;
import java.util.List;

/**
 * Float32 3x3 unit-stride convolution by Winograd's minimal filtering F(2x2, 3x3): each 2x2 block of outputs (a tile)
 * comes from a 4x4 block of the padded input, and in the transformed domain the 9 multiply-adds per output and channel
 * become 4, as 16 products {@code M[t] = V[t] U[t]} (tiles x channels times channels x filters), one per transformed
 * position {@code t}. Results differ from the direct sum by rounding only (a few units in the last place times the
 * operands' magnitude) and do not depend on the thread count. Taken by the layers {@link #applies} names; only
 * loaded when the Vector API is available with 16-lane vectors.
 *
 * <p>Images are moved channels-last first ({@link ChannelsLast}), so that every transform works on a vector of
 * sixteen channels or filters whatever the grid's width. The filters are transformed once per call straight into the
 * register block's packed B layout, the input tiles of a block of tiles into rows the register block reads in place,
 * and each block's products are transformed back while they are still in cache.
 */
final class WinogradConv {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();
    /** Columns of the register block: filters per panel of the transformed filters. */
    private static final int NR = 4 * L;
    private static final int MR = Gemm.REGISTER_ROWS;
    /** Least channels and filters: shallower products run below the register block's speed. */
    static final int MIN_DEPTH = 64;
    /**
     * Least tiles over the batch: the filters' transform costs about as much as 128 tiles save (measured on 2 threads,
     * ms, direct against Winograd: 128 channels and filters on 16x16 at batch 2, 0.40 against 0.47; 256 on 8x8 at
     * batch 8, 1.51 against 0.85).
     */
    static final int MIN_TILES = 128;
    /**
     * Least tiles over the batch when the transformed filters are kept from call to call ({@link DerivedWeights}, a
     * compiled inference graph), so that only the tiles' own work counts (measured on 2 threads at batch 1, us,
     * direct against Winograd with kept filters: 128 channels and filters on 16x16, 64 tiles, 275 against 215; 256
     * on 8x8, 16 tiles, 212 against 459).
     */
    static final int MIN_TILES_KEPT = 64;
    /** Whether transformed filters may be kept ({@code -Dkiln.conv.keepWinogradFilters=false} turns it off). */
    static final boolean KEEP_FILTERS = !"false".equals(System.getProperty("kiln.conv.keepWinogradFilters"));
    /**
     * Most floats of the transformed filters (16 x channels x filters, 64 MB: 1024 channels and filters), which are
     * rebuilt on every call; wider layers keep the direct path rather than allocate hundreds of megabytes per call.
     */
    static final long MAX_FILTER_FLOATS = 1L << 24;
    /** Tiles a group of images aims for, so that small grids still make tall products. */
    private static final int GROUP_TILES = 128;
    /** Most tiles in one block (rows of its products). */
    private static final int MAX_BLOCK_TILES = 192;
    /** Floats a block's transformed input (or products) aims to stay within: 2 MB, streamed through L2. */
    private static final int BLOCK_FLOATS = 1 << 19;

    private WinogradConv() {
    }

    /** Whether a convolution of {@code batch} images over {@code win} runs here, its filters transformed per call. */
    static boolean applies(Window win, int groups, int channels, int filters, int batch) {
        return applies(win, groups, channels, filters, batch, false);
    }

    /**
     * Whether a convolution of {@code batch} images over {@code win} runs here; {@code kept}: its transformed filters
     * are kept from call to call ({@link #transformedFilters}), which pays from {@link #MIN_TILES_KEPT} tiles.
     */
    static boolean applies(Window win, int groups, int channels, int filters, int batch, boolean kept) {
        int least = kept ? MIN_TILES_KEPT : MIN_TILES;
        return L == VectorTranspose.SIDE && groups == 1 && channels >= MIN_DEPTH && filters >= MIN_DEPTH
                && fits(win) && (long) batch * Layout.of(win, channels, filters).tilesPerImage() >= least
                && 16L * roundUp(channels, L) * roundUp(filters, NR) <= MAX_FILTER_FLOATS;
    }

    /** What a layer's kept filters are found under ({@link DerivedWeights}): they depend on its depths only. */
    static Object filterKey(int channels, int filters) {
        return List.of("winograd F(2x2, 3x3)", channels, filters);
    }

    /**
     * The transformed filters of {@code w} (filters, channels, 3, 3) in a new array of their own, to keep from call
     * to call: {@link WinogradFilters#transform} writes the thread's scratch. 16/9 of the weight's size, plus padding
     * to whole vectors of channels and panels of filters.
     */
    static float[] transformedFilters(float[] w, Window win, int channels, int filters) {
        Layout lay = Layout.of(win, channels, filters);
        return Arrays.copyOf(WinogradFilters.transform(w, lay), 16 * lay.panels() * lay.cp() * NR);
    }

    /** A 2-D 3x3 window with unit stride and dilation and a grid of at least 2x2, which this kernel computes. */
    static boolean fits(Window win) {
        return win.image()[0] == 1 && win.grid()[0] == 1 && win.kernel()[0] == 1 && win.kernel()[1] == 3
                && win.kernel()[2] == 3 && win.stride()[1] == 1 && win.stride()[2] == 1 && win.dilate()[1] == 1
                && win.dilate()[2] == 1 && win.grid()[1] >= 2 && win.grid()[2] >= 2;
    }

    /**
     * Sizes of one layer: the image, its padding and grid, {@code tilesY x tilesX} tiles per image, channels padded to
     * whole vectors ({@code cp}) and filters to whole register-block panels ({@code fp}).
     */
    record Layout(int height, int width, int padTop, int padLeft, int gridHeight, int gridWidth, int tilesY,
                  int tilesX, int channels, int filters, int cp, int fp) {
        static Layout of(Window w, int channels, int filters) {
            int tilesY = (w.grid()[1] + 1) / 2;
            int tilesX = (w.grid()[2] + 1) / 2;
            return new Layout(w.image()[1], w.image()[2], w.pad()[1], w.pad()[2], w.grid()[1], w.grid()[2], tilesY,
                    tilesX, channels, filters, roundUp(channels, L), roundUp(filters, NR));
        }

        int tilesPerImage() {
            return tilesY * tilesX;
        }

        int grid() {
            return gridHeight * gridWidth;
        }

        /** Rows of the padded input the tiles read. */
        int paddedRows() {
            return 2 * tilesY + 2;
        }

        int paddedColumns() {
            return 2 * tilesX + 2;
        }

        /** Floats of one padded, channels-last image. */
        int paddedImage() {
            return paddedRows() * paddedColumns() * cp;
        }

        int panels() {
            return fp / NR;
        }

        /** Offset of tile {@code tile}'s top-left input in a group's padded, channels-last images. */
        int corner(int tile) {
            int tpi = tilesPerImage();
            int i = tile / tpi;
            int r = tile - i * tpi;
            int ty = r / tilesX;
            return i * paddedImage() + (2 * ty * paddedColumns() + 2 * (r - ty * tilesX)) * cp;
        }

        /**
         * The output side as an image of its own (no padding, {@code fp} floats per position), for moving output
         * gradients channels-last.
         */
        Layout outputSide() {
            return new Layout(gridHeight, gridWidth, 0, 0, gridHeight, gridWidth, tilesY, tilesX, filters, filters,
                    fp, fp);
        }
    }

    private static int roundUp(int n, int step) {
        return (n + step - 1) / step * step;
    }

    /**
     * The convolution of {@code batch} images into {@code y} (every element written), then the bias and the epilogue
     * (unless null) per image, as {@link ConvKernels#convolution} does. Images are taken a few at a time (about
     * {@link #GROUP_TILES} tiles); groups run side by side over the threads when there are two per thread, else one
     * after another with each phase split.
     */
    static void convolution(float[] x, float[] w, float[] bias, int batch, int channels, int filters, Window win,
                            OutputEpilogue epilogue, float[] y) {
        Layout lay = Layout.of(win, channels, filters);
        run(x, WinogradFilters.transform(w, lay), bias, lay, batch, epilogue, y);
    }

    /**
     * {@link #convolution(float[], float[], float[], int, int, int, Window, OutputEpilogue, float[])} with the filters
     * already transformed ({@link #transformedFilters}); bitwise the same result.
     */
    static void convolutionTransformed(float[] x, float[] u, float[] bias, int batch, int channels, int filters,
                                       Window win, OutputEpilogue epilogue, float[] y) {
        run(x, u, bias, Layout.of(win, channels, filters), batch, epilogue, y);
    }

    /**
     * The data gradient of a layer this kernel takes, into {@code dx} (every element written): {@code dy} (batch,
     * channels, image of {@code win}) convolved with the layer's weight {@code w} (channels, filters, 3, 3) flipped and
     * swapped, {@code win} being the gradient's own window; as the forward of {@link ConvGradKernels#dataGrad}'s
     * flipped copy gives, without that copy.
     */
    static void dataGrad(float[] dy, float[] w, int batch, int channels, int filters, Window win, float[] dx) {
        Layout lay = Layout.of(win, channels, filters);
        run(dy, WinogradFilters.transformFlipped(w, lay), null, lay, batch, null, dx);
    }

    /** The convolution of {@code batch} images with transformed filters {@code u}. */
    private static void run(float[] x, float[] u, float[] bias, Layout lay, int batch, OutputEpilogue epilogue,
                            float[] y) {
        int threads = Parallel.threads();
        int per = Math.max(1, Math.min(batch, (GROUP_TILES + lay.tilesPerImage() - 1) / lay.tilesPerImage()));
        int groups = (batch + per - 1) / per;
        boolean split = groups < 2 * threads;
        if (split) {
            for (int g = 0; g < groups; g++) {
                int n0 = g * per;
                group(x, u, bias, lay, n0, Math.min(per, batch - n0), epilogue, y, true);
            }
        } else {
            Parallel.forRange(groups, 1, (g0, g1) -> {
                for (int g = g0; g < g1; g++) {
                    int n0 = g * per;
                    group(x, u, bias, lay, n0, Math.min(per, batch - n0), epilogue, y, false);
                }
            });
        }
    }

    /** Images {@code [n0, n0 + images)}: into channels-last, blocks of tiles, back into planes; phases split if asked. */
    private static void group(float[] x, float[] u, float[] bias, Layout lay, int n0, int images,
                              OutputEpilogue epilogue, float[] y, boolean split) {
        int channels = lay.channels();
        int filters = lay.filters();
        int image = lay.height() * lay.width();
        int grid = lay.grid();
        int padded = lay.paddedImage();
        float[] xh = ConvScratch.floats(ConvScratch.Slot.PADDED, images * padded);
        float[] yh = ConvScratch.floats(ConvScratch.Slot.PARTIALS, images * grid * lay.fp());
        int channelParts = (channels + L - 1) / L;
        Parallel.forRange(images * channelParts, split ? 1 : Integer.MAX_VALUE, (q0, q1) -> {
            float[] tmp = ConvScratch.floats(ConvScratch.Slot.TILE, L * L);
            for (int q = q0; q < q1; q++) {
                int i = q / channelParts;
                int c0 = (q - i * channelParts) * L;
                ChannelsLast.toPadded(x, (n0 + i) * channels * image, lay, c0, Math.min(channels, c0 + L), xh,
                        i * padded, tmp);
            }
        });
        int tiles = images * lay.tilesPerImage();
        int most = Math.max(MR, Math.min(MAX_BLOCK_TILES,
                BLOCK_FLOATS / (16 * Math.max(lay.cp(), lay.fp())) / MR * MR));
        int blocks = (tiles + most - 1) / most;
        if (split) {
            blocks = roundUp(Math.max(blocks, Parallel.threads()), Parallel.threads());
        }
        int size = roundUp((tiles + blocks - 1) / blocks, MR);
        int count = (tiles + size - 1) / size;
        Parallel.forRange(count, split ? 1 : Integer.MAX_VALUE, (b0, b1) -> {
            // a row block of the last tiles reads and writes up to MR - 1 rows past the block
            float[] v = ConvScratch.floats(ConvScratch.Slot.COLUMNS, (16 * size + MR) * lay.cp());
            float[] m = ConvScratch.floats(ConvScratch.Slot.GATHERED, (16 * size + MR) * lay.fp());
            for (int b = b0; b < b1; b++) {
                int j0 = b * size;
                block(xh, u, v, m, yh, lay, j0, Math.min(size, tiles - j0));
            }
        });
        int filterParts = (filters + L - 1) / L;
        Parallel.forRange(images * filterParts, split ? 1 : Integer.MAX_VALUE, (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                int i = q / filterParts;
                int f0 = (q - i * filterParts) * L;
                ChannelsLast.toPlanes(yh, i * grid * lay.fp(), lay.fp(), grid, f0, Math.min(filters, f0 + L), y,
                        (n0 + i) * filters * grid);
            }
        });
        for (int i = 0; i < images; i++) {
            ConvKernels.finishImage(y, (n0 + i) * filters * grid, bias, filters, grid, epilogue, split);
        }
    }

    /**
     * Tiles {@code [j0, j0 + count)} of a group: their input transforms into {@code v} (position-major rows of
     * {@code cp} channels), the sixteen products into {@code m} (rows of {@code fp} filters), and the output transforms
     * into the channels-last output {@code yh}.
     */
    private static void block(float[] xh, float[] u, float[] v, float[] m, float[] yh, Layout lay, int j0,
                              int count) {
        int cp = lay.cp();
        int fp = lay.fp();
        int vs = count * cp;
        int ms = count * fp;
        inputTiles(xh, lay, j0, count, v);
        int panels = lay.panels();
        for (int t = 0; t < 16; t++) {
            for (int p = 0; p < panels; p++) {
                int bAt = (t * panels + p) * cp * NR;
                for (int r0 = 0; r0 < count; r0 += MR) {
                    Gemm.registerBlock(cp, v, t * vs + r0 * cp, cp, 1, u, bAt, m, t * ms + r0 * fp + p * NR, fp);
                }
            }
        }
        int gw = lay.gridWidth();
        int gh = lay.gridHeight();
        int grid = lay.grid();
        int tpi = lay.tilesPerImage();
        int tx = lay.tilesX();
        for (int j = 0; j < count; j++) {
            int tile = j0 + j;
            int i = tile / tpi;
            int r = tile - i * tpi;
            int ty = r / tx;
            int ox = 2 * (r - ty * tx);
            int oy = 2 * ty;
            int y00 = (i * grid + oy * gw + ox) * fp;
            boolean right = ox + 1 < gw;
            boolean bottom = oy + 1 < gh;
            for (int f = 0; f < lay.filters(); f += L) {
                WinogradTiles.output(m, j * fp + f, ms, yh, y00 + f, gw * fp, fp, right, bottom);
            }
        }
    }

    /**
     * {@code V = B^T d B} of tiles {@code [j0, j0 + count)} of a group's padded, channels-last input {@code xh}: tile
     * {@code j0 + j}'s transform at position {@code t} is row {@code t * count + j} of {@code v} ({@code cp} channels).
     */
    static void inputTiles(float[] xh, Layout lay, int j0, int count, float[] v) {
        int cp = lay.cp();
        int rs = lay.paddedColumns() * cp;
        for (int j = 0; j < count; j++) {
            int at = lay.corner(j0 + j);
            for (int c = 0; c < cp; c += L) {
                WinogradTiles.input(xh, at + c, rs, cp, v, j * cp + c, count * cp);
            }
        }
    }
}
