package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.VectorTranspose;
import dev.kiln.parallel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 weight gradient of a unit-stride 2-D convolution with few filters, read straight from the images'
 * zero-padded planes: no column matrix. dW^T (depth rows {@code (c, tap)} by filters) is a product whose rows are
 * the padded planes at each tap's offset ({@link VectorDirectConv#tapOffsets}) and whose columns are the output
 * gradient transposed (grid positions by filters, one or two vectors of filters). Each register block of six depth
 * rows runs over the grid positions of a group of images that fits half of L2, so its sums stay in registers across
 * the group; positions
 * outside the grid are skipped, not multiplied by zero, so a non-finite input the window never reads cannot reach
 * the sums. Runs of images are fixed by the batch size ({@link ConvGradKernels#weightGradChunks}), groups by the
 * shapes, and partial results are added in order, so results do not depend on the thread count; fewer runs than threads are also split by row
 * blocks, whose sums are independent.
 */
final class VectorPlaneWeightGrad {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Depth rows per register block. */
    private static final int MR = 6;
    /**
     * Most filters: two vectors of them. With more, each broadcast of the image side feeds enough multiply-adds that
     * the GEMM over the column matrix is as fast (ResNet-18's 64-filter layers measured slower here).
     */
    static final int MAX_FILTERS = 2 * L;
    /**
     * Most floats of padded planes and transposed output gradients a run keeps at once (1 MB, half of L2): a run of
     * more images is taken in groups of images that fit, each group's sums added to the run's in turn.
     */
    static final int GROUP_FLOATS = 1 << 18;
    /**
     * Most floats of one image here (16 MB, half of the reference machine's L3). Up to this size the kernel beat the
     * GEMM path by far (16 channels of 128 x 128, 32 filters, batch 8: 3.8 against 11.5 ms).
     */
    static final int IMAGE_MAX_FLOATS = 1 << 22;
    /** Multiply-adds per run of images at least when the runs are split over the threads. */
    private static final long PARALLEL_WORK = 1L << 16;

    private VectorPlaneWeightGrad() {
    }

    /**
     * Whether the weight gradient of {@code filters} filters in {@code groups} groups over {@code win}, {@code kk}
     * deep per filter, runs here: one group, a 2-D window of unit stride, at most {@link #MAX_FILTERS} filters,
     * deeper than the row-dot path takes, and one image's padded planes and transposed output gradient within
     * {@link #IMAGE_MAX_FLOATS}: each block of rows reads them again, from L3 at most.
     */
    static boolean applies(Window win, int groups, int filters, int kk) {
        if (groups != 1 || filters > MAX_FILTERS || kk <= ConvGradKernels.ROW_DOTS_MAX_DEPTH || win.image()[0] != 1
                || win.grid()[0] != 1 || win.kernel()[0] != 1 || win.stride()[1] != 1 || win.stride()[2] != 1
                || win.gridSize() <= 0) {
            return false;
        }
        return imageFloats(win, kk / win.kernelSize(), filters) <= IMAGE_MAX_FLOATS;
    }

    /** Floats one image takes here: its padded planes and its output gradient transposed, filters in whole vectors. */
    private static long imageFloats(Window win, int channels, int filters) {
        long plane = (long) channels * VectorDirectConv.paddedHeight(win) * VectorDirectConv.paddedWidth(win);
        return plane + (long) win.gridSize() * ((filters + L - 1) / L * L);
    }

    /**
     * {@code dw} (filters x channels * taps) = the sum over the batch of {@code dy} (batch, filters, grid) times the
     * im2col of {@code x} (batch, channels, image) transposed; every element of {@code dw} is written.
     */
    static void weightGrad(float[] dy, float[] x, int batch, int filters, int channels, Window win, float[] dw) {
        int[] taps = VectorDirectConv.tapOffsets(channels, win);
        int kk = taps.length;
        int vectors = (filters + L - 1) / L;
        int fw = vectors * L;
        int rows = (kk + MR - 1) / MR * MR;
        int grid = win.gridSize();
        int image = win.imageSize();
        int plane = channels * VectorDirectConv.paddedHeight(win) * VectorDirectConv.paddedWidth(win);
        int chunks = ConvGradKernels.weightGradChunks(batch);
        int size = rows * fw;
        float[] partials = ConvScratch.floats(ConvScratch.Slot.PARTIALS, chunks * size);
        // fewer runs than threads are also split by blocks of rows (each run's images padded once per part)
        int blocks = rows / MR;
        int rowParts = Math.max(1, Math.min(blocks, (Parallel.threads() + chunks - 1) / chunks));
        Parallel.forParts(chunks * rowParts, (long) batch * grid * rows * fw >= PARALLEL_WORK, part -> {
            int chunk = part / rowParts;
            int firstRow = blocks * (part % rowParts) / rowParts * MR;
            int endRow = blocks * (part % rowParts + 1) / rowParts * MR;
            int from = (int) ((long) batch * chunk / chunks);
            int to = (int) ((long) batch * (chunk + 1) / chunks);
            int group = (int) Math.max(1, GROUP_FLOATS / imageFloats(win, channels, filters));
            int most = Math.min(group, to - from);
            float[] xp = ConvScratch.floats(ConvScratch.Slot.PADDED, most * plane);
            float[] dyT = ConvScratch.floats(ConvScratch.Slot.GATHERED, most * grid * fw);
            float[] tile = ConvScratch.floats(ConvScratch.Slot.TILE, MR * 2 * L);
            for (int g0 = from; g0 < to; g0 += group) {
                int count = Math.min(group, to - g0);
                for (int i = 0; i < count; i++) {
                    VectorDirectConv.pad(x, (g0 + i) * channels * image, channels, win, xp, i * plane);
                    transpose(dy, (g0 + i) * filters * grid, filters, grid, dyT, i * grid * fw, fw);
                }
                Run run = new Run(xp, plane, dyT, grid * fw, fw, count, win.grid()[1], win.grid()[2],
                        VectorDirectConv.paddedWidth(win));
                for (int r = firstRow; r < endRow; r += MR) {
                    rowBlock(run, taps, r, vectors, tile);
                    int dst = chunk * size + r * fw;
                    for (int i = 0; i < MR; i++) {
                        for (int f = 0; f < fw; f++) {
                            float v = tile[i * 2 * L + f];
                            partials[dst + i * fw + f] = g0 == from ? v : partials[dst + i * fw + f] + v;
                        }
                    }
                }
            }
        });
        for (int f = 0; f < filters; f++) {
            for (int p = 0; p < kk; p++) {
                float sum = partials[p * fw + f];
                for (int chunk = 1; chunk < chunks; chunk++) {
                    sum += partials[chunk * size + p * fw + f];
                }
                dw[f * kk + p] = sum;
            }
        }
    }

    /** Depth rows {@code [r, r + 6)} of a group into {@code tile}; a block past the depth repeats its last row. */
    private static void rowBlock(Run run, int[] taps, int r, int vectors, float[] tile) {
        int last = taps.length - 1;
        int t0 = taps[r];
        int t1 = taps[Math.min(r + 1, last)];
        int t2 = taps[Math.min(r + 2, last)];
        int t3 = taps[Math.min(r + 3, last)];
        int t4 = taps[Math.min(r + 4, last)];
        int t5 = taps[Math.min(r + 5, last)];
        if (vectors == 1) {
            block1(run, t0, t1, t2, t3, t4, t5, tile);
        } else {
            block2(run, t0, t1, t2, t3, t4, t5, tile);
        }
    }

    /**
     * One group of images: {@code count} padded images {@code plane} floats apart in {@code xp}, their transposed
     * output gradients {@code dyStride} apart in {@code dyT} (rows {@code fw} wide), on a {@code gh x gw} grid
     * whose padded rows are {@code pw} wide.
     */
    private record Run(float[] xp, int plane, float[] dyT, int dyStride, int fw, int count, int gh, int gw, int pw) {
    }

    /**
     * {@code dst[dAt + pos * fw + f] = src[at + f * grid + pos]} for the {@code filters} rows of one image's output
     * gradient, and zero in columns {@code [filters, fw)}.
     */
    private static void transpose(float[] src, int at, int filters, int grid, float[] dst, int dAt, int fw) {
        int side = VectorTranspose.SIDE;
        int fBlocks = L == side ? filters / side * side : 0;
        int pBlocks = L == side ? grid / side * side : 0;
        for (int f = 0; f < fBlocks; f += side) {
            for (int pos = 0; pos < pBlocks; pos += side) {
                VectorTranspose.transpose(src, at + f * grid + pos, grid, dst, dAt + pos * fw + f, fw);
            }
        }
        for (int pos = 0; pos < grid; pos++) {
            int row = dAt + pos * fw;
            for (int f = pos < pBlocks ? fBlocks : 0; f < filters; f++) {
                dst[row + f] = src[at + f * grid + pos];
            }
            for (int f = filters; f < fw; f++) {
                dst[row + f] = 0f;
            }
        }
    }

    /**
     * Six depth rows (padded-plane offsets {@code t0..t5}) times two vectors of filters, summed over every grid
     * position of the run's images, into {@code tile} (six rows two vectors apart).
     */
    private static void block2(Run run, int t0, int t1, int t2, int t3, int t4, int t5, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        float[] xp = run.xp();
        float[] dyT = run.dyT();
        int fw = run.fw();
        for (int img = 0; img < run.count(); img++) {
            for (int gy = 0; gy < run.gh(); gy++) {
                int xa = img * run.plane() + gy * run.pw();
                int da = img * run.dyStride() + gy * run.gw() * fw;
                for (int gx = 0; gx < run.gw(); gx++) {
                    int d = da + gx * fw;
                    FloatVector b0 = FloatVector.fromArray(S, dyT, d);
                    FloatVector b1 = FloatVector.fromArray(S, dyT, d + L);
                    int xi = xa + gx;
                    FloatVector a = FloatVector.broadcast(S, xp[xi + t0]);
                    c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
                    a = FloatVector.broadcast(S, xp[xi + t1]);
                    c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
                    a = FloatVector.broadcast(S, xp[xi + t2]);
                    c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
                    a = FloatVector.broadcast(S, xp[xi + t3]);
                    c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
                    a = FloatVector.broadcast(S, xp[xi + t4]);
                    c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
                    a = FloatVector.broadcast(S, xp[xi + t5]);
                    c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
                }
            }
        }
        int nr = 2 * L;
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, nr); c11.intoArray(tile, nr + L);
        c20.intoArray(tile, 2 * nr); c21.intoArray(tile, 2 * nr + L);
        c30.intoArray(tile, 3 * nr); c31.intoArray(tile, 3 * nr + L);
        c40.intoArray(tile, 4 * nr); c41.intoArray(tile, 4 * nr + L);
        c50.intoArray(tile, 5 * nr); c51.intoArray(tile, 5 * nr + L);
    }

    /** {@link #block2} for one vector of filters. */
    private static void block1(Run run, int t0, int t1, int t2, int t3, int t4, int t5, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        float[] xp = run.xp();
        float[] dyT = run.dyT();
        int fw = run.fw();
        for (int img = 0; img < run.count(); img++) {
            for (int gy = 0; gy < run.gh(); gy++) {
                int xa = img * run.plane() + gy * run.pw();
                int da = img * run.dyStride() + gy * run.gw() * fw;
                for (int gx = 0; gx < run.gw(); gx++) {
                    FloatVector b = FloatVector.fromArray(S, dyT, da + gx * fw);
                    int xi = xa + gx;
                    c0 = FloatVector.broadcast(S, xp[xi + t0]).fma(b, c0);
                    c1 = FloatVector.broadcast(S, xp[xi + t1]).fma(b, c1);
                    c2 = FloatVector.broadcast(S, xp[xi + t2]).fma(b, c2);
                    c3 = FloatVector.broadcast(S, xp[xi + t3]).fma(b, c3);
                    c4 = FloatVector.broadcast(S, xp[xi + t4]).fma(b, c4);
                    c5 = FloatVector.broadcast(S, xp[xi + t5]).fma(b, c5);
                }
            }
        }
        int nr = 2 * L;
        c0.intoArray(tile, 0);
        c1.intoArray(tile, nr);
        c2.intoArray(tile, 2 * nr);
        c3.intoArray(tile, 3 * nr);
        c4.intoArray(tile, 4 * nr);
        c5.intoArray(tile, 5 * nr);
    }
}
