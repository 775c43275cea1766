package dev.kiln.op.conv;

/**
 * Where every pooling window lies, axis by axis, over three spatial axes (depth, height, width; 1-D and 2-D pooling
 * get leading axes of size 1): output index {@code g} along axis {@code a} reads data indices
 * {@code [lo[a][g], hi[a][g])}, already clipped to the data, and contributes the factor {@code divisor[a][g]} to the
 * averaging divisor. Sliding windows ({@code Pooling}) and adaptive windows share the pooling kernels through this form.
 *
 * @param image   data size per axis
 * @param grid    output size per axis
 * @param lo      first data index read, per axis and output index
 * @param hi      one past the last data index read, per axis and output index
 * @param divisor the window's extent counted for averaging, per axis and output index
 */
record PoolWindows(int[] image, int[] grid, int[][] lo, int[][] hi, int[][] divisor) {

    /**
     * Pooling's sliding windows: window {@code g} starts at {@code g * stride - pad}, spans {@code kernel} and is cut at
     * the padded extent; averaging counts that padded window with {@code count_include_pad}, else only its part
     * inside the data.
     */
    static PoolWindows sliding(Window w, boolean countIncludePad) {
        int[][] lo = new int[3][];
        int[][] hi = new int[3][];
        int[][] divisor = new int[3][];
        for (int a = 0; a < 3; a++) {
            int n = w.grid()[a];
            int im = w.image()[a];
            int pad = w.pad()[a];
            lo[a] = new int[n];
            hi[a] = new int[n];
            divisor[a] = new int[n];
            for (int g = 0; g < n; g++) {
                int start = g * w.stride()[a] - pad;
                int end = Math.min(start + w.kernel()[a], im + pad);
                lo[a][g] = Math.max(start, 0);
                hi[a][g] = Math.min(end, im);
                divisor[a][g] = countIncludePad ? end - start : hi[a][g] - lo[a][g];
            }
        }
        return new PoolWindows(w.image(), w.grid(), lo, hi, divisor);
    }

    /**
     * Adaptive windows of data sized {@code image} pooled to {@code grid} (1 to 3 axes each): output index {@code g}
     * of {@code n} along an axis of size {@code x} reads {@code [floor(g * x / n), ceil((g + 1) * x / n))}, which is
     * never empty for {@code x > 0}; averaging divides by the window's size.
     */
    static PoolWindows adaptive(int[] image, int[] grid) {
        int[] im = Window.widen(image, 1);
        int[] gr = Window.widen(grid, 1);
        int[][] lo = new int[3][];
        int[][] hi = new int[3][];
        int[][] divisor = new int[3][];
        for (int a = 0; a < 3; a++) {
            long x = im[a];
            int n = gr[a];
            lo[a] = new int[n];
            hi[a] = new int[n];
            divisor[a] = new int[n];
            for (int g = 0; g < n; g++) {
                lo[a][g] = (int) (g * x / n);
                hi[a][g] = (int) (((g + 1) * x + n - 1) / n);
                divisor[a][g] = hi[a][g] - lo[a][g];
            }
        }
        return new PoolWindows(im, gr, lo, hi, divisor);
    }

    int imageSize() {
        return image[0] * image[1] * image[2];
    }

    int gridSize() {
        return grid[0] * grid[1] * grid[2];
    }
}
