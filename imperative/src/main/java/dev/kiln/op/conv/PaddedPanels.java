package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.parallel.Parallel;

import java.util.Arrays;

/**
 * The column matrix of a unit-stride float32 convolution ({@link Im2Col}), produced straight in the panels
 * {@link Gemm} packs B into from images first copied into zero-padded planes ({@link #pad}). In a padded plane every
 * tap reads a plain rectangle, so row {@code (c, tap)} at grid position {@code (gy, gx)} is padded element
 * {@code c * plane + gy * paddedWidth + gx + tapOffset}: when grid rows are a whole number of vectors wide, each
 * vector of a panel row is one unmasked load ({@link VectorPaddedPanels}). This replaces writing the column matrix
 * and then copying it into panels with one pass over images a tap count times smaller.
 *
 * @param xp          the padded images, {@code imageStride} floats apart
 * @param xOff        where the first image's first channel (of the group) starts in {@code xp}
 * @param imageStride floats from one padded image to the next
 * @param rowOffsets  per depth row {@code (c, tap)} of the group: its channel's plane start plus the tap's shift
 * @param geometry    the grid and padded-plane sizes
 */
record PaddedPanels(float[] xp, int xOff, int imageStride, int[] rowOffsets, Geometry geometry)
        implements Gemm.PanelSource {
    private static final int LANES = VectorSupport.isAvailable() ? VectorSupport.floatLanes() : 0;

    /**
     * The padded layout of a window: grid {@code gridHeight x gridWidth}, padded planes of
     * {@code paddedHeight x paddedWidth} holding the image at row and column {@code (padTop, padLeft)}.
     */
    record Geometry(int height, int width, int padTop, int padLeft, int paddedHeight, int paddedWidth,
                    int gridHeight, int gridWidth) {
        /** Floats of one padded channel plane. */
        int plane() {
            return paddedHeight * paddedWidth;
        }

        /** Grid positions of one image. */
        int grid() {
            return gridHeight * gridWidth;
        }

        /** Where grid position {@code pos} of padded image {@code img} reads for tap (0, 0), from the image start. */
        int positionOffset(int img, int pos, int imageStride) {
            int gy = pos / gridWidth;
            return img * imageStride + gy * paddedWidth + pos - gy * gridWidth;
        }
    }

    /**
     * Whether a window takes this path: 1-D or 2-D, unit stride, and (with the Vector API) grid rows a whole number
     * of vectors wide, so that no vector of a panel straddles two grid rows.
     */
    static boolean applies(Window w) {
        return LANES > 0 && w.image()[0] == 1 && w.grid()[0] == 1 && w.kernel()[0] == 1 && w.pad()[0] == 0
                && w.stride()[1] == 1 && w.stride()[2] == 1 && w.grid()[2] % LANES == 0 && w.grid()[1] > 0;
    }

    /** The padded layout of a window that {@link #applies}. */
    static Geometry geometry(Window w) {
        int height = w.image()[1];
        int width = w.image()[2];
        return new Geometry(height, width, w.pad()[1], w.pad()[2], height + 2 * w.pad()[1], width + 2 * w.pad()[2],
                w.grid()[1], w.grid()[2]);
    }

    /** Per depth row {@code (c, tap)} of {@code channels} channels: the plane start plus the tap's shift. */
    static int[] rowOffsets(Window w, Geometry geo, int channels) {
        int taps = w.kernelSize();
        int[] offsets = new int[channels * taps];
        for (int c = 0, r = 0; c < channels; c++) {
            for (int kh = 0; kh < w.kernel()[1]; kh++) {
                for (int kw = 0; kw < w.kernel()[2]; kw++, r++) {
                    offsets[r] = c * geo.plane() + kh * w.dilate()[1] * geo.paddedWidth() + kw * w.dilate()[2];
                }
            }
        }
        return offsets;
    }

    /** Longest run of zeros {@link #padPlane} writes element by element rather than through {@link Arrays#fill}. */
    private static final int SHORT_ZEROS = 8;
    /** Channel planes copied per part at least when {@link #pad} is split over the threads. */
    private static final int PAD_GRAIN = 1 << 14;

    /**
     * Copies images {@code [n0, n0 + nb)} of {@code x} ({@code channels} planes of {@code height x width} each)
     * into {@code xp} as zero-padded planes, image {@code i} at {@code i * channels * plane}; over the threads if
     * {@code parallel}. Every element of that range of {@code xp} is written, borders included.
     */
    static void pad(float[] x, int n0, int nb, int channels, Geometry geo, float[] xp, boolean parallel) {
        int planes = nb * channels;
        int image = geo.height() * geo.width();
        int parts = parallel ? (int) Math.min(Parallel.threads(),
                Math.max(1, (long) planes * geo.plane() / PAD_GRAIN)) : 1;
        Parallel.forParts(parts, true, part -> {
            int to = (int) ((long) planes * (part + 1) / parts);
            for (int q = (int) ((long) planes * part / parts); q < to; q++) {
                padPlane(x, (n0 * channels + q) * image, geo, xp, q * geo.plane());
            }
        });
    }

    /**
     * One channel plane at {@code x[src...]} as a zero-padded plane at {@code xp[dst...]}, every element written. The
     * right padding of one row and the left padding of the next are contiguous and zeroed together: the pads are a
     * column or two, and a call to {@link Arrays#fill} per pad cost more than the copy of the row between them.
     */
    static void padPlane(float[] x, int src, Geometry geo, float[] xp, int dst) {
        int wp = geo.paddedWidth();
        int end = dst + geo.plane();
        if (geo.height() == 0) {
            zero(xp, dst, end);
            return;
        }
        int row = dst + geo.padTop() * wp + geo.padLeft();
        zero(xp, dst, row);
        for (int y = 0; y < geo.height(); y++, row += wp, src += geo.width()) {
            // a vector copy's tail lands on the pads zeroed next or on rows copied after this one
            if (LANES > 0) {
                VectorRowCopy.copy(x, src, xp, row, geo.width(), end);
            } else {
                System.arraycopy(x, src, xp, row, geo.width());
            }
            zero(xp, row + geo.width(), y + 1 < geo.height() ? row + wp : end);
        }
    }

    /** Zeroes {@code a[from, to)}: short runs element by element, long ones with {@link Arrays#fill}. */
    static void zero(float[] a, int from, int to) {
        if (to - from <= SHORT_ZEROS) {
            for (int i = from; i < to; i++) {
                a[i] = 0f;
            }
        } else {
            Arrays.fill(a, from, to, 0f);
        }
    }

    @Override
    public void pack(int p0, int kc, int j0, int nc, int nr, float[] dst, int dstOff) {
        for (int q = 0; q < nc; q += nr) {
            int width = Math.min(nr, nc - q);
            int d = dstOff + q * kc;
            // vectors never straddle two grid rows when those are whole vectors and the panel starts on one
            int done = LANES > 0 && nr % LANES == 0 && geometry.gridWidth() % LANES == 0 && (j0 + q) % LANES == 0
                    ? VectorPaddedPanels.fill(this, p0, kc, j0 + q, width / LANES, dst, d, nr) * LANES : 0;
            if (done < nr) {
                scalarColumns(p0, kc, j0 + q + done, width - done, dst, d + done, nr);
                for (int p = 0, row = d + width; p < kc && width < nr; p++, row += nr) {
                    Arrays.fill(dst, row, row + nr - width, 0f);
                }
            }
        }
    }

    /**
     * Columns {@code [j, j + count)} of rows {@code [p0, p0 + kc)}, column {@code j + i} of row {@code p} written to
     * {@code dst[d + p * nr + i]}.
     */
    private void scalarColumns(int p0, int kc, int j, int count, float[] dst, int d, int nr) {
        int grid = geometry.grid();
        for (int i = 0; i < count; i++) {
            int img = (j + i) / grid;
            int at = xOff + geometry.positionOffset(img, j + i - img * grid, imageStride);
            for (int p = 0; p < kc; p++) {
                dst[d + p * nr + i] = xp[at + rowOffsets[p0 + p]];
            }
        }
    }
}
