package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Invocation;
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
     * @param windows    where each output element's window lies
     * @param max        max pooling (else a sum of p-th powers, divided by the window's divisor when averaging)
     * @param average    avg pooling: each element is divided by the window's divisor
     * @param p          the power of lp pooling (1 for the other types)
     * @param nanOnEmpty whether an average over a window of divisor zero gives NaN (3-D pooling in MXNet)
     * @param lowest     the value max pooling starts from (Pooling: the output dtype's lowest finite value)
     */
    record Spec(PoolWindows windows, boolean max, boolean average, int p, boolean nanOnEmpty, double lowest) {
    }

    private PoolKernels() {
    }

    private static int grain(int gridSize) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, gridSize));
    }

    /**
     * One output element's window clipped to the data: planes start at {@code xb}, rows {@code [z0, z1) x [y0, y1) x
     * [x0, x1)}; {@code size} is the averaging divisor (1 unless averaging).
     */
    @FunctionalInterface
    interface WindowBody {
        void run(int out, int xb, int z0, int z1, int y0, int y1, int x0, int x1, int size);
    }

    /** Visits every output element's window of {@code planes} consecutive planes, planes split across threads. */
    static void forEachWindow(Spec spec, int planes, WindowBody body) {
        PoolWindows w = spec.windows();
        int[] gr = w.grid();
        int[][] lo = w.lo();
        int[][] hi = w.hi();
        int[][] dv = w.divisor();
        int imSize = w.imageSize();
        int grSize = w.gridSize();
        boolean average = spec.average();
        Parallel.forRange(planes, grain(grSize), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int xb = plane * imSize;
                int o = plane * grSize;
                for (int gz = 0; gz < gr[0]; gz++) {
                    for (int gy = 0; gy < gr[1]; gy++) {
                        for (int gx = 0; gx < gr[2]; gx++, o++) {
                            int size = average ? dv[0][gz] * dv[1][gy] * dv[2][gx] : 1;
                            body.run(o, xb, lo[0][gz], hi[0][gz], lo[1][gy], hi[1][gy], lo[2][gx], hi[2][gx], size);
                        }
                    }
                }
            }
        });
    }

    /**
     * Pools {@code data}, laid out as {@code layout}, to the channels-second output dims {@code outCF} for the
     * application {@code call}: the kernel runs channels-second in float32 or float64 and the result comes back in the
     * data's layout and the call's output dtype. Channels-second data already in the output dtype is pooled straight
     * into {@link Invocation#newOutput}; float32 max, avg and sum pooling run {@link FastPoolKernels}.
     */
    static NDArray pool(NDArray data, SpatialLayout layout, int[] outCF, Spec spec, Invocation call) {
        DType outType = call.outputTypes().get(0);
        NDArray x = layout.toChannelFirst(FloatingKernels.widen(data));
        int planes = outCF[0] * outCF[1];
        NDArray out = !layout.channelLast() && x.dtype() == outType ? call.newOutput(0)
                : NDArray.zeros(Shape.of(outCF), x.dtype(), call.device());
        switch (x.data()) {
            case float[] xs when FastPoolKernels.handles(spec) ->
                    FastPoolKernels.pool(xs, (float[]) out.data(), planes, spec);
            case float[] xs -> pool(xs, (float[]) out.data(), planes, spec);
            case double[] xs -> pool(xs, (double[]) out.data(), planes, spec);
            default -> throw new IllegalStateException("pooling expects float32 or float64, got " + x.dtype());
        }
        return FloatingKernels.narrow(layout.fromChannelFirst(out), outType);
    }

    /** Pools {@code planes} consecutive planes of {@code x} into {@code y}, one window at a time. */
    static void pool(float[] x, float[] y, int planes, Spec spec) {
        int[] im = spec.windows().image();
        int p = spec.p();
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
    }

    /** Double-precision {@link #pool(float[], float[], int, Spec)}. */
    static void pool(double[] x, double[] y, int planes, Spec spec) {
        int[] im = spec.windows().image();
        int p = spec.p();
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
    }
}
