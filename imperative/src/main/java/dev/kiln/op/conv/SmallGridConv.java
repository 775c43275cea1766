package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.gemm.PackedB;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.OutputEpilogue;

import java.util.List;

/**
 * A convolution whose images together have only a few output positions (the 2 x 2 and 4 x 4 grids at the bottom of
 * a UNet, a late layer at batch 1), computed as its transpose: one row of image patch per position times the weight
 * packed once as op(B) and kept from call to call. The product {@code filters x positions} would leave most lanes
 * of the vector kernel's one-vector block empty; {@code positions x filters} runs the vectors along the filters.
 * Each output is the same sum in the same order as the untransposed product, then the bias and epilogue as there,
 * so results are bitwise those of {@link ConvKernels#convolutionByProducts}.
 */
final class SmallGridConv {
    /** Most patch elements (positions times depth) laid out per call. */
    static final int MAX_PATCH_FLOATS = 1 << 20;

    private SmallGridConv() {
    }

    /**
     * Whether a convolution of {@code filters} filters in {@code groups} groups, {@code kk} deep, over {@code batch}
     * images of {@code win} runs here (when its weight is kept): one group, and fewer register blocks transposed.
     */
    static boolean applies(Window win, int groups, int batch, int filters, int kk) {
        long positions = (long) batch * win.gridSize();
        return groups == 1 && filters > 0 && kk > 0 && positions > 0
                && positions * kk <= MAX_PATCH_FLOATS
                && Gemm.transposeCoversLess(filters, (int) positions) && Gemm.packsB((int) positions, filters);
    }

    /** The weight {@code w} (filters x kk) packed as op(B) of the transposed product, kept in {@code derived}. */
    static PackedB packedWeight(DerivedWeights derived, NDArray weight, float[] w, int filters, int kk) {
        return derived.get(weight, List.of("SmallGridConv", filters, kk), () -> Gemm.packB(true, kk, filters, w, 0,
                kk));
    }

    /**
     * The convolution of {@code batch} images into {@code y} (every element written), then the bias and the epilogue
     * (unless null) per image, as {@link ConvKernels#convolution} does.
     */
    static void convolution(float[] x, PackedB weight, float[] bias, int batch, int channels, int filters,
                            Window win, OutputEpilogue epilogue, float[] y) {
        int grid = win.gridSize();
        int kk = weight.k();
        int positions = batch * grid;
        float[] patches = ConvScratch.floats(ConvScratch.Slot.COLUMNS, positions * kk);
        int[] under = tapOffsets(win);
        for (int n = 0; n < batch; n++) {
            patchRows(x, n * channels * win.imageSize(), channels, win, under, patches, n * grid * kk, kk);
        }
        float[] ct = ConvScratch.floats(ConvScratch.Slot.GATHERED, positions * filters);
        Gemm.sgemm(positions, kk, patches, 0, kk, weight, 0f, ct, 0, filters, null);
        for (int n = 0; n < batch; n++) {
            int yOff = n * filters * grid;
            int rows = n * grid * filters;
            for (int f = 0; f < filters; f++) {
                int at = yOff + f * grid;
                for (int pos = 0; pos < grid; pos++) {
                    y[at + pos] = ct[rows + pos * filters + f];
                }
            }
            ConvKernels.finishImage(y, yOff, bias, filters, grid, epilogue, false);
        }
    }

    /**
     * The patches of one image as rows: row {@code pos} (a grid position) at {@code rows[rowsOff + pos * ld...]}
     * holds, for each channel and tap in the weight's order, the image element under that tap or 0 in the padding;
     * {@code under} is the window's {@link #tapOffsets}.
     */
    static void patchRows(float[] x, int xOff, int channels, Window win, int[] under, float[] rows, int rowsOff,
                          int ld) {
        int taps = win.kernelSize();
        int plane = win.imageSize();
        int grid = win.gridSize();
        for (int pos = 0; pos < grid; pos++) {
            int row = rowsOff + pos * ld;
            int t0 = pos * taps;
            for (int c = 0; c < channels; c++) {
                int base = xOff + c * plane;
                int at = row + c * taps;
                for (int t = 0; t < taps; t++) {
                    int off = under[t0 + t];
                    rows[at + t] = off < 0 ? 0f : x[base + off];
                }
            }
        }
    }

    /**
     * For each grid position and tap (position-major), the offset in an image plane of the element under the tap, or
     * -1 where it falls in the padding.
     */
    static int[] tapOffsets(Window win) {
        int[] im = win.image();
        int[] gr = win.grid();
        int[] k = win.kernel();
        int[] s = win.stride();
        int[] d = win.dilate();
        int[] p = win.pad();
        int[] offsets = new int[win.gridSize() * win.kernelSize()];
        int i = 0;
        for (int gz = 0; gz < gr[0]; gz++) {
            for (int gy = 0; gy < gr[1]; gy++) {
                for (int gx = 0; gx < gr[2]; gx++) {
                    for (int kd = 0; kd < k[0]; kd++) {
                        int iz = gz * s[0] - p[0] + kd * d[0];
                        for (int kh = 0; kh < k[1]; kh++) {
                            int iy = gy * s[1] - p[1] + kh * d[1];
                            for (int kw = 0; kw < k[2]; kw++, i++) {
                                int ix = gx * s[2] - p[2] + kw * d[2];
                                boolean inside = iz >= 0 && iz < im[0] && iy >= 0 && iy < im[1] && ix >= 0
                                        && ix < im[2];
                                offsets[i] = inside ? (iz * im[1] + iy) * im[2] + ix : -1;
                            }
                        }
                    }
                }
            }
        }
        return offsets;
    }
}
