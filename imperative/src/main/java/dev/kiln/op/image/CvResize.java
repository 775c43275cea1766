package dev.kiln.op.image;

import dev.kiln.parallel.Parallel;

/**
 * The resizing {@code _image_resize} runs, as OpenCV's {@code cv::resize} computes it for the interleaved
 * {@code (H, W, C)} images MXNet hands it. {@code INTER_NEAREST} (0) takes source index {@code floor(d * src / dst)};
 * {@code INTER_LINEAR} (1) maps pixel centres, {@code s = (d + 0.5) * src / dst - 0.5}, clamped to the edge pixels
 * (see {@link Taps#of} for OpenCV's two ways of clamping), with float32 weights: float images blend in their own
 * precision, uint8 images in OpenCV's 11-bit fixed point.
 */
final class CvResize {
    /** OpenCV's {@code INTER_RESIZE_COEF_BITS}: uint8 weights are scaled by {@code 2^11}. */
    private static final int COEF_SCALE = 1 << 11;

    private CvResize() {
    }

    /** For each output index along one axis: the two source indices and their weights. */
    record Taps(int[] first, int[] second, float[] near, float[] far) {
        /**
         * The taps along one axis. Along columns ({@code clampWeights}) OpenCV moves a tap that falls outside the
         * image onto the edge pixel with weight one; along rows it clamps only the row indices and keeps the
         * weights, whose float32 sum may miss one by an ulp.
         */
        static Taps of(int src, int dst, boolean linear, boolean clampWeights) {
            double scale = 1.0 / ((double) dst / src);
            int[] first = new int[dst];
            int[] second = new int[dst];
            float[] near = new float[dst];
            float[] far = new float[dst];
            for (int d = 0; d < dst; d++) {
                int s;
                float f = 0f;
                if (linear) {
                    f = (float) ((d + 0.5) * scale - 0.5);
                    s = (int) Math.floor(f);
                    f -= s;
                    if (!clampWeights) {
                        first[d] = Math.max(0, Math.min(s, src - 1));
                        second[d] = Math.max(0, Math.min(s + 1, src - 1));
                        near[d] = 1f - f;
                        far[d] = f;
                        continue;
                    }
                    if (s < 0) {
                        f = 0f;
                        s = 0;
                    }
                    if (s >= src - 1) {
                        f = 0f;
                        s = src - 1;
                    }
                } else {
                    s = Math.min((int) Math.floor(d * scale), src - 1);
                }
                first[d] = s;
                second[d] = Math.min(s + 1, src - 1);
                near[d] = 1f - f;
                far[d] = f;
            }
            return new Taps(first, second, near, far);
        }

        /** The weights in OpenCV's fixed point, rounded half to even as its {@code saturate_cast<short>}. */
        int[] fixed(float[] weights) {
            int[] w = new int[weights.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = (int) Math.rint(weights[i] * COEF_SCALE);
            }
            return w;
        }
    }

    /**
     * Resizes {@code images} interleaved images of {@code h x w x c} in {@code src} (a {@code byte[]} for uint8,
     * {@code float[]} or {@code double[]}) to {@code oh x ow x c} in {@code dst} of the same type.
     */
    static void resize(Object src, Object dst, int images, int h, int w, int c, int oh, int ow, boolean linear) {
        Taps ty = Taps.of(h, oh, linear, false);
        Taps tx = Taps.of(w, ow, linear, true);
        int inImage = h * w * c;
        int outImage = oh * ow * c;
        int[][] fixed = {tx.fixed(tx.near()), tx.fixed(tx.far()), ty.fixed(ty.near()), ty.fixed(ty.far())};
        Parallel.forRange(images * oh, Math.max(1, 4096 / Math.max(1, ow * c)), (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / oh;
                int oy = row % oh;
                int a = n * inImage + ty.first()[oy] * w * c;
                int b = n * inImage + ty.second()[oy] * w * c;
                int o = n * outImage + oy * ow * c;
                if (!linear) {
                    for (int ox = 0; ox < ow; ox++) {
                        System.arraycopy(src, a + tx.first()[ox] * c, dst, o + ox * c, c);
                    }
                } else if (src instanceof float[] s) {
                    linearRow(s, (float[]) dst, a, b, o, ow, c, tx, ty.near()[oy], ty.far()[oy]);
                } else if (src instanceof double[] s) {
                    linearRow(s, (double[]) dst, a, b, o, ow, c, tx, ty.near()[oy], ty.far()[oy]);
                } else {
                    linearRow((byte[]) src, (byte[]) dst, a, b, o, ow, c, tx, fixed[0], fixed[1], fixed[2][oy],
                            fixed[3][oy]);
                }
            }
        });
    }

    private static void linearRow(float[] s, float[] d, int a, int b, int o, int ow, int c, Taps tx, float b0,
                                  float b1) {
        for (int ox = 0; ox < ow; ox++) {
            int x0 = tx.first()[ox] * c;
            int x1 = tx.second()[ox] * c;
            float a0 = tx.near()[ox];
            float a1 = tx.far()[ox];
            for (int k = 0; k < c; k++) {
                float top = s[a + x0 + k] * a0 + s[a + x1 + k] * a1;
                float bottom = s[b + x0 + k] * a0 + s[b + x1 + k] * a1;
                d[o + ox * c + k] = top * b0 + bottom * b1;
            }
        }
    }

    private static void linearRow(double[] s, double[] d, int a, int b, int o, int ow, int c, Taps tx, float b0,
                                  float b1) {
        for (int ox = 0; ox < ow; ox++) {
            int x0 = tx.first()[ox] * c;
            int x1 = tx.second()[ox] * c;
            double a0 = tx.near()[ox];
            double a1 = tx.far()[ox];
            for (int k = 0; k < c; k++) {
                double top = s[a + x0 + k] * a0 + s[a + x1 + k] * a1;
                double bottom = s[b + x0 + k] * a0 + s[b + x1 + k] * a1;
                d[o + ox * c + k] = top * b0 + bottom * b1;
            }
        }
    }

    /**
     * A uint8 row in OpenCV's fixed point: horizontal sums with 11-bit weights, then the vertical blend of two such
     * rows, each product shifted down by 4 and 16 bits and the sum rounded by 2 bits (OpenCV's SIMD path).
     */
    private static void linearRow(byte[] s, byte[] d, int a, int b, int o, int ow, int c, Taps tx, int[] ax0,
                                  int[] ax1, int b0, int b1) {
        for (int ox = 0; ox < ow; ox++) {
            int x0 = tx.first()[ox] * c;
            int x1 = tx.second()[ox] * c;
            for (int k = 0; k < c; k++) {
                int top = (s[a + x0 + k] & 0xFF) * ax0[ox] + (s[a + x1 + k] & 0xFF) * ax1[ox];
                int bottom = (s[b + x0 + k] & 0xFF) * ax0[ox] + (s[b + x1 + k] & 0xFF) * ax1[ox];
                int v = (((b0 * (top >> 4)) >> 16) + ((b1 * (bottom >> 4)) >> 16) + 2) >> 2;
                d[o + ox * c + k] = (byte) Math.max(0, Math.min(255, v));
            }
        }
    }
}
