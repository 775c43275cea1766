package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.DerivedWeights;
import dev.kiln.parallel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.List;

/**
 * Float32 2-D convolution with few filters, as register-blocked products that read B straight from an image's
 * zero-padded planes (split by stride phase for a strided window, {@link PhasePlanes}): no column matrix and no
 * packing. A product with few filters (rows of C) uses each packed panel of B only a few times, so writing the
 * column matrix and packing it cost as much as the multiply-adds (a small CNN's 16 to 32 channels on 14x14 grids ran
 * at under half of peak; a UNet's 4x4 stride-2 layers at a tenth). Here the products run over the <em>extended</em>
 * grid, every plane row wide: position {@code q = gy * pw + gx} of tap {@code t} reads plane element
 * {@code tapOffset[t] + q}, so each vector of a B row is one load at a per-depth-row offset whatever the grid width.
 * The {@code pw - gw} extra positions per grid row are computed and dropped when the result is copied out, so layers
 * where they are a large share ({@link #applies}) take the other paths. Register blocks are six filters by four
 * vectors, or eight by three ({@link PlaneBlocks8}) where that pads fewer filters. Every output is the chain of fused
 * multiply-adds {@link Gemm} computes (from zero, depth block by depth block, in weight order), so results are
 * bitwise those of {@link ConvKernels#convolutionByProducts}.
 */
final class VectorPlaneConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Filters per register block (rows of C), as in the GEMM kernel. */
    private static final int MR = 6;
    /** Extended grid positions per register block: four vectors. */
    private static final int NR = 4 * L;
    /** Filters per register block of the eight-row form, taken where it pads fewer filters (16 and 32: none). */
    private static final int MR8 = 8;
    /** Extended grid positions per eight-row register block: three vectors. */
    private static final int NR8 = 3 * L;
    /** Most filters of a layer this kernel takes: past them the GEMM's packing is shared by enough rows. */
    static final int MAX_FILTERS = 48;
    /**
     * Most extra positions per grid row, as a fraction of the plane row width ({@code 1 / JUNK_DIVISOR}): measured,
     * a fifth (8x8 grids of 3x3 windows, 4x4 grids of 4x4 stride-2 windows) ran in half the time of the other paths,
     * a third (4x4 grids of 3x3 windows, 2x2 grids of stride-2 windows) took a sixth to three times longer.
     */
    private static final int JUNK_DIVISOR = 4;
    /** Multiply-adds per part at least when the work is split over the threads. */
    private static final long PART_WORK = 1L << 17;

    private VectorPlaneConv() {
    }

    /**
     * Whether a convolution of {@code filters} filters in {@code groups} groups over {@code win}, {@code kk} deep
     * per filter, runs here: one group, a 2-D window, deeper than {@link VectorDirectConv} takes, few filters, and
     * dropped positions at most a quarter of each plane row.
     */
    static boolean applies(Window win, int groups, int filters, int kk) {
        if (groups != 1 || filters > MAX_FILTERS || kk <= VectorDirectConv.MAX_DEPTH || win.image()[0] != 1
                || win.grid()[0] != 1 || win.kernel()[0] != 1) {
            return false;
        }
        int pw = PhasePlanes.of(win).cols();
        return win.grid()[1] > 0 && win.grid()[2] > 0 && (long) (pw - win.grid()[2]) * JUNK_DIVISOR <= pw;
    }

    /**
     * The convolution of {@code batch} images into {@code sink}, each image finished there once every element of it
     * is written, as {@link ConvKernels#convolution} does, keeping the packed weights in {@code derived} (when it and
     * the float32 {@code weight} holding {@code w} are not null) from call to call, as an inference graph's fused
     * convolution does. Images are split over the threads; fewer images than threads are split by register-block
     * columns, each image then finished over the threads.
     */
    static void convolution(float[] x, float[] w, NDArray weight, DerivedWeights derived, int batch, int channels,
                            int filters, Window win, ImageSink sink) {
        Layout at = Layout.of(win, channels, filters);
        float[] pa = derived == null || weight == null
                ? packWeights(w, filters, at, ConvScratch.floats(ConvScratch.Slot.PACKED_WEIGHTS, at.rows * at.kk))
                : derived.get(weight, List.of("VectorPlaneConv", filters, at.kk, at.mr),
                        () -> packWeights(w, filters, at, new float[at.rows * at.kk]));
        int image = win.imageSize();
        long imageWork = (long) at.rows * at.kk * at.extended;
        if (batch >= Parallel.threads()) {
            int grain = (int) Math.max(1, Math.min(batch, PART_WORK / Math.max(1, imageWork)));
            Parallel.forRange(batch, grain, (from, to) -> {
                // this thread's arrays, looked up once for its images (a thread-local lookup per image cost 3% of
                // the small CNN's training step)
                float[] xp = ConvScratch.floats(ConvScratch.Slot.PADDED, at.planeFloats);
                float[] ext = ConvScratch.floats(ConvScratch.Slot.GATHERED, at.rows * at.extended);
                float[] tile = ConvScratch.floats(ConvScratch.Slot.TILE, MR * NR);
                for (int n = from; n < to; n++) {
                    planes(x, n * channels * image, channels, at, xp);
                    blocks(at, pa, xp, ext, tile, 0, at.panels);
                    float[] y = sink.array(n);
                    copyOut(at, win, ext, filters, y, sink.offset(n));
                    sink.finish(n, y, false);
                }
            });
            return;
        }
        // the caller's planes and result arrays, shared by the parts (which use only their own tiles)
        float[] ext = ConvScratch.floats(ConvScratch.Slot.GATHERED, at.rows * at.extended);
        int grain = (int) Math.max(1, PART_WORK / Math.max(1, (long) at.rows * at.kk * at.nr));
        float[] xp = ConvScratch.floats(ConvScratch.Slot.PADDED, at.planeFloats);
        for (int n = 0; n < batch; n++) {
            planes(x, n * channels * image, channels, at, xp);
            Parallel.forRange(at.panels, grain, (from, to) ->
                    blocks(at, pa, xp, ext, ConvScratch.floats(ConvScratch.Slot.TILE, MR * NR), from, to));
            float[] y = sink.array(n);
            copyOut(at, win, ext, filters, y, sink.offset(n));
            sink.finish(n, y, true);
        }
    }

    /**
     * The sizes of one call: {@code kk} depth, {@code rows} filters rounded up to whole register blocks,
     * {@code extended} grid positions (grid rows padded-plane wide, rounded up to a whole vector), {@code panels}
     * register-block columns over them, {@code taps} each depth row's offset in the padded planes and
     * {@code planeFloats} the planes' length including the slack the last panel reads past them.
     */
    private record Layout(PhasePlanes phases, int kk, int mr, int nr, int rows, int extended, int panels, int[] taps,
                          int planeFloats) {
        static Layout of(Window win, int channels, int filters) {
            PhasePlanes phases = PhasePlanes.of(win);
            int[] taps = phases.tapOffsets(channels);
            int pw = phases.cols();
            int extended = (win.grid()[1] * pw + L - 1) / L * L;
            int mr = (filters + MR8 - 1) / MR8 * MR8 < (filters + MR - 1) / MR * MR ? MR8 : MR;
            int nr = mr == MR8 ? NR8 : NR;
            int panels = (extended + nr - 1) / nr;
            int rows = (filters + mr - 1) / mr * mr;
            int planes = channels * phases.channel();
            // a block reads up to nr positions from its start; the last one starts below the extended size (the
            // furthest tap is the last one only with unit strides: phases interleave the taps of a channel)
            int furthest = 0;
            for (int t : taps) {
                furthest = Math.max(furthest, t);
            }
            int reach = furthest + panels * nr;
            return new Layout(phases, taps.length, mr, nr, rows, extended, panels, taps, Math.max(planes, reach));
        }
    }

    /**
     * The weights in register-block panels, into {@code pa}: filters {@code [f, f + 6)} at {@code f * kk}, the six
     * weights of depth row {@code p} side by side at {@code f * kk + p * 6}; rows past the last filter are zero.
     */
    private static float[] packWeights(float[] w, int filters, Layout at, float[] pa) {
        for (int f = 0; f < at.rows; f += at.mr) {
            for (int r = 0; r < at.mr; r++) {
                for (int p = 0; p < at.kk; p++) {
                    pa[f * at.kk + p * at.mr + r] = f + r < filters ? w[(f + r) * at.kk + p] : 0f;
                }
            }
        }
        return pa;
    }

    /**
     * One image's zero-padded planes (split by stride phase) into {@code xp} ({@code planeFloats} long), with zeroed
     * slack after them.
     */
    private static void planes(float[] x, int xOff, int channels, Layout at, float[] xp) {
        at.phases.split(x, xOff, channels, xp, 0);
        int used = channels * at.phases.channel();
        Arrays.fill(xp, used, at.planeFloats, 0f);
    }

    /**
     * Register-block columns {@code [from, to)} of every filter block into the extended result {@code ext}
     * ({@code rows} x {@code extended}), depth block by depth block as {@link Gemm} splits the depth; {@code tile} is
     * the calling thread's spill array for the register block.
     */
    private static void blocks(Layout at, float[] pa, float[] xp, float[] ext, float[] tile, int from, int to) {
        int kb = Gemm.depthBlock(at.kk);
        for (int panel = from; panel < to; panel++) {
            int q = panel * at.nr;
            int vectors = Math.min(at.nr / L, (at.extended - q) / L);
            for (int f = 0; f < at.rows; f += at.mr) {
                for (int p0 = 0; p0 < at.kk; p0 += kb) {
                    int p1 = Math.min(at.kk, p0 + kb);
                    if (at.mr == MR8) {
                        if (vectors > 2) {
                            PlaneBlocks8.block3(p0, p1, pa, f * at.kk, xp, q, at.taps, tile);
                        } else {
                            PlaneBlocks8.block2(p0, p1, pa, f * at.kk, xp, q, at.taps, tile);
                        }
                    } else if (vectors > 2) {
                        block4(p0, p1, pa, f * at.kk, xp, q, at.taps, tile);
                    } else {
                        block2(p0, p1, pa, f * at.kk, xp, q, at.taps, tile);
                    }
                    store(tile, at.mr, at.nr, ext, f * at.extended + q, at.extended, p0 > 0, vectors);
                }
            }
        }
    }

    /** Copies the grid positions of the extended result into one image's output, dropping the extra positions. */
    private static void copyOut(Layout at, Window win, float[] ext, int filters, float[] y, int yOff) {
        int gh = win.grid()[1];
        int gw = win.grid()[2];
        int pw = at.phases.cols();
        int grid = gh * gw;
        int end = yOff + filters * grid;
        for (int f = 0; f < filters; f++) {
            for (int gy = 0; gy < gh; gy++) {
                // a vector copy's tail lands on rows copied after this one
                VectorRowCopy.copy(ext, f * at.extended + gy * pw, y, yOff + f * grid + gy * gw, gw, end);
            }
        }
    }

    /**
     * Six filters times four vectors of extended positions starting at {@code q}, over depth {@code [p0, p1)}:
     * A(r, p) is {@code pa[aAt + p * 6 + r]} ({@link #packWeights}), B(p, q + j) is {@code xp[taps[p] + q + j]}; the sums go to
     * {@code tile} (six rows of {@link #NR}), kept apart from the addressing of the result so that C2 compiles the
     * loop whole with its vectors in registers.
     */
    private static void block4(int p0, int p1, float[] pa, int aAt, float[] xp, int q, int[] taps,
                               float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        for (int p = p0; p < p1; p++) {
            int bi = taps[p] + q;
            FloatVector b0 = FloatVector.fromArray(S, xp, bi);
            FloatVector b1 = FloatVector.fromArray(S, xp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, xp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, xp, bi + 3 * L);
            int ai = aAt + p * MR;
            FloatVector a = FloatVector.broadcast(S, pa[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42); c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52); c53 = a.fma(b3, c53);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c02.intoArray(tile, 2 * L); c03.intoArray(tile, 3 * L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L); c12.intoArray(tile, NR + 2 * L);
        c13.intoArray(tile, NR + 3 * L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L); c22.intoArray(tile, 2 * NR + 2 * L);
        c23.intoArray(tile, 2 * NR + 3 * L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L); c32.intoArray(tile, 3 * NR + 2 * L);
        c33.intoArray(tile, 3 * NR + 3 * L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L); c42.intoArray(tile, 4 * NR + 2 * L);
        c43.intoArray(tile, 4 * NR + 3 * L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L); c52.intoArray(tile, 5 * NR + 2 * L);
        c53.intoArray(tile, 5 * NR + 3 * L);
    }

    /** {@link #block4} two vectors wide, for the last one or two vectors of the extended positions. */
    private static void block2(int p0, int p1, float[] pa, int aAt, float[] xp, int q, int[] taps,
                               float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = p0; p < p1; p++) {
            int bi = taps[p] + q;
            FloatVector b0 = FloatVector.fromArray(S, xp, bi);
            FloatVector b1 = FloatVector.fromArray(S, xp, bi + L);
            int ai = aAt + p * MR;
            FloatVector a = FloatVector.broadcast(S, pa[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
    }

    /**
     * The first {@code vectors} vectors of each of the tile's {@code mr} rows ({@code nr} apart) into {@code ext} (rows
     * {@code ld} apart from
     * {@code eAt}), added to what is there for a later depth block (as a product's beta 1 does).
     */
    private static void store(float[] tile, int mr, int nr, float[] ext, int eAt, int ld, boolean add, int vectors) {
        for (int r = 0; r < mr; r++) {
            for (int v = 0; v < vectors * L; v += L) {
                FloatVector t = FloatVector.fromArray(S, tile, r * nr + v);
                int at = eAt + r * ld + v;
                if (add) {
                    t = t.add(FloatVector.fromArray(S, ext, at));
                }
                t.intoArray(ext, at);
            }
        }
    }
}
