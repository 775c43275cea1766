package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.VectorTranspose;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Moves images between Kiln's planes (channel, row, column) and the channels-last layout {@link WinogradConv}
 * transforms, where one position's channels are consecutive so that a vector holds one value of sixteen channels.
 * Transposes in 16 x 16 register blocks ({@link VectorTranspose}); only for 16-lane vectors.
 */
final class ChannelsLast {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int SIDE = VectorTranspose.SIDE;

    private ChannelsLast() {
    }

    /**
     * Channels {@code [c0, c1)} ({@code c0} a multiple of 16) of the image at {@code x[xOff...]} into the padded,
     * channels-last image at {@code xh[xhOff...]} ({@code lay.paddedRows() x lay.paddedColumns()} positions of
     * {@code lay.cp()} floats). The part that starts at channel 0 also zeroes the border and the part that ends at the
     * last channel the padding channels, so that parts split over threads together write every element once.
     * {@code tmp} holds 256 floats.
     */
    static void toPadded(float[] x, int xOff, WinogradConv.Layout lay, int c0, int c1, float[] xh, int xhOff,
                         float[] tmp) {
        int height = lay.height();
        int width = lay.width();
        int hw = height * width;
        int cp = lay.cp();
        int cols = lay.paddedColumns();
        int origin = xhOff + (lay.padTop() * cols + lay.padLeft()) * cp;
        if (c0 == 0) {
            zeroBorder(xh, xhOff, lay);
        }
        if (c1 == lay.channels() && cp > c1) {
            for (int yy = 0; yy < height; yy++) {
                for (int xx = 0; xx < width; xx++) {
                    int at = origin + (yy * cols + xx) * cp;
                    Arrays.fill(xh, at + c1, at + cp, 0f);
                }
            }
        }
        int c = c0;
        for (; c + SIDE <= c1; c += SIDE) {
            int p = 0;
            for (; p + SIDE <= hw; p += SIDE) {
                VectorTranspose.transpose(x, xOff + c * hw + p, hw, tmp, 0, SIDE);
                int yy = p / width;
                int xx = p - yy * width;
                for (int j = 0; j < SIDE; j++) {
                    FloatVector.fromArray(S, tmp, j * SIDE).intoArray(xh, origin + (yy * cols + xx) * cp + c);
                    if (++xx == width) {
                        xx = 0;
                        yy++;
                    }
                }
            }
            copy(x, xOff, lay, c, c + SIDE, p, hw, xh, origin);
        }
        copy(x, xOff, lay, c, c1, 0, hw, xh, origin);
    }

    /** Channels {@code [c0, c1)} at positions {@code [p0, p1)}, element by element. */
    private static void copy(float[] x, int xOff, WinogradConv.Layout lay, int c0, int c1, int p0, int p1,
                             float[] xh, int origin) {
        int width = lay.width();
        int hw = lay.height() * width;
        for (int p = p0; p < p1; p++) {
            int yy = p / width;
            int at = origin + (yy * lay.paddedColumns() + p - yy * width) * lay.cp();
            for (int c = c0; c < c1; c++) {
                xh[at + c] = x[xOff + c * hw + p];
            }
        }
    }

    /** Zeroes every position of the padded image at {@code xh[xhOff...]} that lies outside the image. */
    private static void zeroBorder(float[] xh, int xhOff, WinogradConv.Layout lay) {
        int cp = lay.cp();
        int row = lay.paddedColumns() * cp;
        int top = lay.padTop();
        int left = lay.padLeft();
        Arrays.fill(xh, xhOff, xhOff + top * row, 0f);
        Arrays.fill(xh, xhOff + (top + lay.height()) * row, xhOff + lay.paddedRows() * row, 0f);
        for (int yy = top; yy < top + lay.height(); yy++) {
            int at = xhOff + yy * row;
            Arrays.fill(xh, at, at + left * cp, 0f);
            Arrays.fill(xh, at + (left + lay.width()) * cp, at + row, 0f);
        }
    }

    /**
     * Filters {@code [f0, f1)} of a channels-last output ({@code grid} positions of {@code stride} floats at
     * {@code yh[yhOff...]}) back into planes at {@code y[yOff...]}.
     */
    static void toPlanes(float[] yh, int yhOff, int stride, int grid, int f0, int f1, float[] y, int yOff) {
        VectorTranspose.transpose(grid, f1 - f0, yh, yhOff + f0, stride, y, yOff + f0 * grid, grid);
    }
}
