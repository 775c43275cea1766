package dev.kiln.op.conv;

import dev.kiln.parallel.Parallel;

/**
 * Channels-second pooling over independent (batch, channel) planes, in float32 and float64 (MXNet accumulates in the
 * data type). Windows follow MXNet's CPU kernels: a window starts at {@code o * stride - pad}; max pooling takes the
 * largest element inside the data (padding never wins; NaN never compares greater; an all-padding window gives the
 * dtype's lowest finite value); avg divides each element by the window size clipped to the padded extent, or to the
 * data when {@code count_include_pad} is false; lp takes the p-th root of the summed p-th powers (of x itself, not
 * |x|, as in MXNet). 3-D avg/sum windows of size zero give NaN, as in MXNet.
 */
final class PoolKernels {
    /** Output elements per task below which planes run on the calling thread. */
    private static final int GRAIN_ELEMENTS = 1 << 14;

    /**
     * What a pooling kernel needs besides the data.
     *
     * @param lowest the value max pooling starts from: the output dtype's lowest finite value
     */
    record Spec(Window window, boolean max, boolean average, int p, boolean countIncludePad, boolean nanOnEmpty,
                double lowest) {
    }

    private PoolKernels() {
    }

    private static int grain(int gridSize) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, gridSize));
    }

    /**
     * One output element's window clipped to the data: planes start at {@code xb}, rows {@code [z0, z1) x [y0, y1) x
     * [x0, x1)}; {@code size} is the averaging divisor (the window clipped to the padded extent, or to the data without
     * {@code count_include_pad}; 1 for max and sum).
     */
    @FunctionalInterface
    interface WindowBody {
        void run(int out, int xb, int z0, int z1, int y0, int y1, int x0, int x1, int size);
    }

    /** Visits every output element's window of {@code planes} consecutive planes, planes split across threads. */
    static void forEachWindow(Spec spec, int planes, WindowBody body) {
        Window w = spec.window();
        int[] im = w.image();
        int[] gr = w.grid();
        int[] k = w.kernel();
        int[] s = w.stride();
        int[] pd = w.pad();
        int imSize = w.imageSize();
        int grSize = w.gridSize();
        Parallel.forRange(planes, grain(grSize), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int xb = plane * imSize;
                int o = plane * grSize;
                for (int gz = 0; gz < gr[0]; gz++) {
                    int zs = gz * s[0] - pd[0];
                    int ze = Math.min(zs + k[0], im[0] + pd[0]);
                    for (int gy = 0; gy < gr[1]; gy++) {
                        int ys = gy * s[1] - pd[1];
                        int ye = Math.min(ys + k[1], im[1] + pd[1]);
                        for (int gx = 0; gx < gr[2]; gx++, o++) {
                            int xs = gx * s[2] - pd[2];
                            int xe = Math.min(xs + k[2], im[2] + pd[2]);
                            int z0 = Math.max(zs, 0);
                            int z1 = Math.min(ze, im[0]);
                            int y0 = Math.max(ys, 0);
                            int y1 = Math.min(ye, im[1]);
                            int x0 = Math.max(xs, 0);
                            int x1 = Math.min(xe, im[2]);
                            int size = 1;
                            if (spec.average()) {
                                size = spec.countIncludePad() ? (ze - zs) * (ye - ys) * (xe - xs)
                                        : (z1 - z0) * (y1 - y0) * (x1 - x0);
                            }
                            body.run(o, xb, z0, z1, y0, y1, x0, x1, size);
                        }
                    }
                }
            }
        });
    }

    /** Pools {@code planes} consecutive planes of {@code x}. */
    static float[] pool(float[] x, int planes, Spec spec) {
        int[] im = spec.window().image();
        int p = spec.p();
        float[] y = new float[planes * spec.window().gridSize()];
        forEachWindow(spec, planes, (o, xb, z0, z1, y0, y1, x0, x1, size) -> {
            if (spec.max()) {
                float m = (float) spec.lowest();
                for (int z = z0; z < z1; z++) {
                    for (int yy = y0; yy < y1; yy++) {
                        int row = xb + (z * im[1] + yy) * im[2];
                        for (int xx = x0; xx < x1; xx++) {
                            float v = x[row + xx];
                            if (v > m) {
                                m = v;
                            }
                        }
                    }
                }
                y[o] = m;
                return;
            }
            if (spec.nanOnEmpty() && size == 0) {
                y[o] = Float.NaN;
                return;
            }
            float sum = 0f;
            for (int z = z0; z < z1; z++) {
                for (int yy = y0; yy < y1; yy++) {
                    int row = xb + (z * im[1] + yy) * im[2];
                    for (int xx = x0; xx < x1; xx++) {
                        float v = x[row + xx];
                        float pw = p == 1 ? v : p == 2 ? v * v : v * v * v;
                        sum += pw / size;
                    }
                }
            }
            y[o] = p == 1 ? sum : p == 2 ? (float) Math.sqrt(sum) : (float) Math.cbrt(sum);
        });
        return y;
    }

    /** Double-precision {@link #pool(float[], int, Spec)}. */
    static double[] pool(double[] x, int planes, Spec spec) {
        int[] im = spec.window().image();
        int p = spec.p();
        double[] y = new double[planes * spec.window().gridSize()];
        forEachWindow(spec, planes, (o, xb, z0, z1, y0, y1, x0, x1, size) -> {
            if (spec.max()) {
                double m = spec.lowest();
                for (int z = z0; z < z1; z++) {
                    for (int yy = y0; yy < y1; yy++) {
                        int row = xb + (z * im[1] + yy) * im[2];
                        for (int xx = x0; xx < x1; xx++) {
                            double v = x[row + xx];
                            if (v > m) {
                                m = v;
                            }
                        }
                    }
                }
                y[o] = m;
                return;
            }
            if (spec.nanOnEmpty() && size == 0) {
                y[o] = Double.NaN;
                return;
            }
            double sum = 0;
            for (int z = z0; z < z1; z++) {
                for (int yy = y0; yy < y1; yy++) {
                    int row = xb + (z * im[1] + yy) * im[2];
                    for (int xx = x0; xx < x1; xx++) {
                        double v = x[row + xx];
                        double pw = p == 1 ? v : p == 2 ? v * v : v * v * v;
                        sum += pw / size;
                    }
                }
            }
            y[o] = p == 1 ? sum : p == 2 ? Math.sqrt(sum) : Math.cbrt(sum);
        });
        return y;
    }
}
