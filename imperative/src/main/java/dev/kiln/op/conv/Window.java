package dev.kiln.op.conv;

/**
 * The spatial geometry of one sliding-window application, widened to three axes (depth, height, width): 1-D and 2-D
 * windows get leading axes of size 1 with kernel 1, stride 1, dilation 1 and no padding, so every op runs one 3-D loop
 * nest. {@code image} is the dense side (a convolution's input, a deconvolution's output); {@code grid} is the window
 * positions (a convolution's output, a deconvolution's input).
 */
record Window(int[] image, int[] grid, int[] kernel, int[] stride, int[] dilate, int[] pad) {

    /** Widens the given per-axis values (1 to 3 axes each, all the same length) to three axes. */
    static Window of(int[] image, int[] grid, int[] kernel, int[] stride, int[] dilate, int[] pad) {
        return new Window(widen(image, 1), widen(grid, 1), widen(kernel, 1), widen(stride, 1), widen(dilate, 1),
                widen(pad, 0));
    }

    /** Per-axis values for 1 to 3 axes as three, the missing leading axes given {@code fill}. */
    static int[] widen(int[] v, int fill) {
        int[] out = {fill, fill, fill};
        System.arraycopy(v, 0, out, 3 - v.length, v.length);
        return out;
    }

    int imageSize() {
        return image[0] * image[1] * image[2];
    }

    int gridSize() {
        return grid[0] * grid[1] * grid[2];
    }

    int kernelSize() {
        return kernel[0] * kernel[1] * kernel[2];
    }

    /** True if the columns are the image itself: 1x1x1 kernel, unit stride, no padding. */
    boolean isPointwise() {
        for (int a = 0; a < 3; a++) {
            if (kernel[a] != 1 || stride[a] != 1 || pad[a] != 0 || image[a] != grid[a]) {
                return false;
            }
        }
        return true;
    }

    /** First grid index along the width whose tap {@code shift + g * stride} lies at or after 0. */
    static int firstInside(int shift, int stride, int gridLen) {
        int lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        return Math.min(lo, gridLen);
    }

    /** One past the last grid index whose tap {@code shift + g * stride} lies before {@code imageLen}. */
    static int endInside(int shift, int stride, int imageLen, int gridLen, int lo) {
        int room = imageLen - shift;
        int hi = room <= 0 ? 0 : (room + stride - 1) / stride;
        return Math.max(lo, Math.min(hi, gridLen));
    }
}
