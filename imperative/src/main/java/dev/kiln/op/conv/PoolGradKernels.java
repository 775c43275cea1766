package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Invocation;

import java.util.Arrays;

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
     * returned in the data's layout and the call's output dtype. Channels-second data already in that dtype gets its
     * gradient straight in {@link Invocation#newOutput}; float32 max, avg and sum pooling run {@link FastPoolKernels}.
     */
    static NDArray backward(NDArray ograd, NDArray data, NDArray output, SpatialLayout layout, PoolKernels.Spec spec,
                            Invocation call) {
        return backward(ograd, data, output, layout, spec, call, false);
    }

    /**
     * {@link #backward(NDArray, NDArray, NDArray, SpatialLayout, PoolKernels.Spec, Invocation)}, with
     * {@code reluSlope} multiplied by the slope {@code data > 0 ? 1 : 0} of the ReLU whose output {@code data} is, as
     * a ReLU gradient after it would (in the same pass for float32 max pooling that {@link FastPoolKernels#assigns}
     * covers).
     */
    static NDArray backward(NDArray ograd, NDArray data, NDArray output, SpatialLayout layout, PoolKernels.Spec spec,
                            Invocation call, boolean reluSlope) {
        DType outType = call.outputTypes().get(0);
        NDArray dy = layout.toChannelFirst(FloatingKernels.widen(ograd));
        NDArray x = layout.toChannelFirst(FloatingKernels.widen(data));
        NDArray y = output == null ? null : layout.toChannelFirst(FloatingKernels.widen(output));
        int planes = x.shape().get(0) * x.shape().get(1);
        boolean planned = !layout.channelLast() && x.dtype() == outType;
        NDArray dx = planned ? call.newOutput(0) : NDArray.zeros(x.shape(), x.dtype(), call.device());
        boolean assigns = x.data() instanceof float[] && FastPoolKernels.assigns(spec);
        if (planned && !assigns && call.plannedOutputs() != null) {
            // the op fills its output (PoolingBackwardOp.fillsOutputs): a planned buffer holds an earlier value, while
            // an eager call's new array is zero already
            switch (dx.data()) {
                case float[] d -> Arrays.fill(d, 0f);
                case double[] d -> Arrays.fill(d, 0.0);
                default -> { }
            }
        }
        switch (x.data()) {
            case float[] xs when reluSlope && assigns -> FastPoolKernels.reluBackward((float[]) dy.data(), xs,
                    (float[]) y.data(), (float[]) dx.data(), planes, spec);
            case float[] xs when FastPoolKernels.handles(spec) -> FastPoolKernels.backward((float[]) dy.data(), xs,
                    y == null ? null : (float[]) y.data(), (float[]) dx.data(), planes, spec);
            case float[] xs -> backward((float[]) dy.data(), xs, y == null ? null : (float[]) y.data(),
                    (float[]) dx.data(), planes, spec);
            case double[] xs -> backward((double[]) dy.data(), xs, y == null ? null : (double[]) y.data(),
                    (double[]) dx.data(), planes, spec);
            default -> throw new IllegalStateException("pooling gradient expects float32 or float64, got "
                    + x.dtype());
        }
        if (reluSlope && !(assigns && x.data() instanceof float[])) {
            multiplyBySlope(x, dx);
        }
        return FloatingKernels.narrow(layout.fromChannelFirst(dx), outType);
    }

    /** {@code dx *= x > 0 ? 1 : 0} element by element, in the arrays' dtype (float32 or float64). */
    private static void multiplyBySlope(NDArray x, NDArray dx) {
        int n = (int) x.shape().size();
        switch (x.data()) {
            case float[] xs -> {
                float[] d = (float[]) dx.data();
                for (int i = 0; i < n; i++) {
                    d[i] *= xs[i] > 0 ? 1f : 0f;
                }
            }
            case double[] xs -> {
                double[] d = (double[]) dx.data();
                for (int i = 0; i < n; i++) {
                    d[i] *= xs[i] > 0 ? 1.0 : 0.0;
                }
            }
            default -> throw new IllegalStateException("pooling gradient expects float32 or float64, got "
                    + x.dtype());
        }
    }

    /**
     * Adds the data gradient of {@code planes} planes into {@code dx} (zero on entry) from output gradient {@code dy},
     * data {@code x} and output {@code y}, one window at a time.
     */
    static void backward(float[] dy, float[] x, float[] y, float[] dx, int planes, PoolKernels.Spec spec) {
        int[] im = spec.windows().image();
        int p = spec.p();
        boolean lp = !spec.max() && !spec.average() && p > 1;
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
    }

    /** Double-precision {@link #backward(float[], float[], float[], float[], int, PoolKernels.Spec)}. */
    static void backward(double[] dy, double[] x, double[] y, double[] dx, int planes, PoolKernels.Spec spec) {
        int[] im = spec.windows().image();
        int p = spec.p();
        boolean lp = !spec.max() && !spec.average() && p > 1;
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
    }
}
