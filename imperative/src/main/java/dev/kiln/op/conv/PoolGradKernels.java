package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;

/**
 * The pooling gradient over the same windows as {@link PoolKernels}: max sends each output gradient to the first
 * element of its window (in window order) equal to the pooled maximum, as MXNet's CPU kernel does, so padding never
 * receives it and ties go to the first; avg spreads it over the window divided by the forward's window size; sum
 * copies it to every element; lp scales it by {@code (x / y)^(p - 1)}. Windows of one plane are visited on one
 * thread, so the scatter-adds need no synchronisation. Only max and lp read the forward output {@code y}; the others
 * may pass {@code null}.
 */
final class PoolGradKernels {
    private PoolGradKernels() {
    }

    /**
     * The gradient of {@code data} (laid out as {@code layout}) from the output gradient {@code ograd} and the forward
     * output {@code output} ({@code null} unless max or lp), computed channels-second in float32 or float64 and
     * returned in the data's layout and {@code outType}.
     */
    static NDArray backward(NDArray ograd, NDArray data, NDArray output, SpatialLayout layout, PoolKernels.Spec spec,
                            DType outType, Device device) {
        NDArray dy = layout.toChannelFirst(FloatingKernels.widen(ograd));
        NDArray x = layout.toChannelFirst(FloatingKernels.widen(data));
        NDArray y = output == null ? null : layout.toChannelFirst(FloatingKernels.widen(output));
        int planes = x.shape().get(0) * x.shape().get(1);
        Object dx = x.data() instanceof double[] xs
                ? backward((double[]) dy.data(), xs, y == null ? null : (double[]) y.data(), planes, spec)
                : backward((float[]) dy.data(), (float[]) x.data(), y == null ? null : (float[]) y.data(), planes,
                        spec);
        NDArray out = NDArray.wrap(x.shape(), x.dtype(), device, dx);
        return FloatingKernels.narrow(layout.fromChannelFirst(out), outType);
    }

    /** Data gradient of {@code planes} planes from output gradient {@code dy}, data {@code x} and output {@code y}. */
    static float[] backward(float[] dy, float[] x, float[] y, int planes, PoolKernels.Spec spec) {
        int[] im = spec.windows().image();
        int p = spec.p();
        boolean lp = !spec.max() && !spec.average() && p > 1;
        float[] dx = new float[x.length];
        PoolKernels.forEachWindow(spec, planes, (o, xb, z0, z1, y0, y1, x0, x1, size) -> {
            float g = dy[o];
            float out = y == null ? 0f : y[o];
            for (int z = z0; z < z1; z++) {
                for (int yy = y0; yy < y1; yy++) {
                    int row = xb + (z * im[1] + yy) * im[2];
                    for (int xx = x0; xx < x1; xx++) {
                        int i = row + xx;
                        if (spec.max()) {
                            if (x[i] == out) {
                                dx[i] += g;
                                return;
                            }
                        } else if (lp) {
                            float r = x[i] / out;
                            dx[i] += p == 2 ? g * r : g * r * r;
                        } else {
                            dx[i] += g / size;
                        }
                    }
                }
            }
        });
        return dx;
    }

    /** Double-precision {@link #backward(float[], float[], float[], int, PoolKernels.Spec)}. */
    static double[] backward(double[] dy, double[] x, double[] y, int planes, PoolKernels.Spec spec) {
        int[] im = spec.windows().image();
        int p = spec.p();
        boolean lp = !spec.max() && !spec.average() && p > 1;
        double[] dx = new double[x.length];
        PoolKernels.forEachWindow(spec, planes, (o, xb, z0, z1, y0, y1, x0, x1, size) -> {
            double g = dy[o];
            double out = y == null ? 0 : y[o];
            for (int z = z0; z < z1; z++) {
                for (int yy = y0; yy < y1; yy++) {
                    int row = xb + (z * im[1] + yy) * im[2];
                    for (int xx = x0; xx < x1; xx++) {
                        int i = row + xx;
                        if (spec.max()) {
                            if (x[i] == out) {
                                dx[i] += g;
                                return;
                            }
                        } else if (lp) {
                            double r = x[i] / out;
                            dx[i] += p == 2 ? g * r : g * r * r;
                        } else {
                            dx[i] += g / size;
                        }
                    }
                }
            }
        });
        return dx;
    }
}
