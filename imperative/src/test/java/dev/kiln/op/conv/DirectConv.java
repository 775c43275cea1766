package dev.kiln.op.conv;

/**
 * A slow, direct convolution and transposed convolution on channels-second double arrays, written from the textbook
 * definitions (one output element at a time, one scattered input element at a time): the independent oracle for the
 * GEMM-based kernels. Spatial dims are given per axis (1 to 3 axes).
 */
final class DirectConv {
    private DirectConv() {
    }

    /** out[n, f, o...] = bias[f] + sum over c in f's group and taps k of x[n, c, o*s - p + k*d] * w[f, c', k]. */
    static double[] conv(double[] x, int[] xd, double[] w, double[] bias, int filters, int groups, int[] kernel,
                         int[] stride, int[] dilate, int[] pad, int[] od) {
        int rank = kernel.length;
        int batch = xd[0];
        int channels = xd[1];
        int cg = channels / groups;
        int fg = filters / groups;
        int outPlane = prod(od, 2);
        int inPlane = prod(xd, 2);
        int taps = prod(kernel, 0);
        double[] out = new double[batch * filters * outPlane];
        int[] o = new int[rank];
        int[] k = new int[rank];
        for (int n = 0; n < batch; n++) {
            for (int f = 0; f < filters; f++) {
                int g = f / fg;
                for (int op = 0; op < outPlane; op++) {
                    unravel(op, od, 2, o);
                    double acc = bias == null ? 0 : bias[f];
                    for (int cl = 0; cl < cg; cl++) {
                        int c = g * cg + cl;
                        for (int t = 0; t < taps; t++) {
                            unravel(t, kernel, 0, k);
                            int idx = 0;
                            boolean inside = true;
                            for (int a = 0; a < rank; a++) {
                                int i = o[a] * stride[a] - pad[a] + k[a] * dilate[a];
                                if (i < 0 || i >= xd[a + 2]) {
                                    inside = false;
                                    break;
                                }
                                idx = idx * xd[a + 2] + i;
                            }
                            if (inside) {
                                acc += x[(n * channels + c) * inPlane + idx] * w[(f * cg + cl) * taps + t];
                            }
                        }
                    }
                    out[(n * filters + f) * outPlane + op] = acc;
                }
            }
        }
        return out;
    }

    /**
     * Transposed convolution by scattering: every x[n, c, i...] adds x * w[c, f', k] to out[n, f, i*s - p + k*d]
     * when that position lies inside the output {@code od}.
     */
    static double[] deconv(double[] x, int[] xd, double[] w, double[] bias, int filters, int groups, int[] kernel,
                           int[] stride, int[] dilate, int[] pad, int[] od) {
        int rank = kernel.length;
        int batch = xd[0];
        int channels = xd[1];
        int cg = channels / groups;
        int fg = filters / groups;
        int outPlane = prod(od, 2);
        int inPlane = prod(xd, 2);
        int taps = prod(kernel, 0);
        double[] out = new double[batch * filters * outPlane];
        int[] i = new int[rank];
        int[] k = new int[rank];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int g = c / cg;
                for (int ip = 0; ip < inPlane; ip++) {
                    unravel(ip, xd, 2, i);
                    double v = x[(n * channels + c) * inPlane + ip];
                    for (int fl = 0; fl < fg; fl++) {
                        int f = g * fg + fl;
                        for (int t = 0; t < taps; t++) {
                            unravel(t, kernel, 0, k);
                            int idx = 0;
                            boolean inside = true;
                            for (int a = 0; a < rank; a++) {
                                int o = i[a] * stride[a] - pad[a] + k[a] * dilate[a];
                                if (o < 0 || o >= od[a + 2]) {
                                    inside = false;
                                    break;
                                }
                                idx = idx * od[a + 2] + o;
                            }
                            if (inside) {
                                out[(n * filters + f) * outPlane + idx] += v * w[(c * fg + fl) * taps + t];
                            }
                        }
                    }
                }
            }
        }
        if (bias != null) {
            for (int n = 0; n < batch; n++) {
                for (int f = 0; f < filters; f++) {
                    for (int p = 0; p < outPlane; p++) {
                        out[(n * filters + f) * outPlane + p] += bias[f];
                    }
                }
            }
        }
        return out;
    }

    /** Deterministic test values in [-1, 1). */
    static double[] values(int n, int seed) {
        double[] v = new double[n];
        long s = seed * 2654435761L + 12345;
        for (int i = 0; i < n; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            v[i] = ((s >>> 11) % 2000) / 1000.0 - 1.0;
        }
        return v;
    }

    /** Moves axis 1 to the end of a row-major array of the given dims (channels-second to channels-last). */
    static double[] toChannelLast(double[] a, int[] dims) {
        int outer = dims[0];
        int c = dims[1];
        int inner = prod(dims, 2);
        double[] out = new double[a.length];
        for (int n = 0; n < outer; n++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < inner; s++) {
                    out[(n * inner + s) * c + ch] = a[(n * c + ch) * inner + s];
                }
            }
        }
        return out;
    }

    static int[] channelLastDims(int[] dims) {
        int[] out = new int[dims.length];
        out[0] = dims[0];
        System.arraycopy(dims, 2, out, 1, dims.length - 2);
        out[dims.length - 1] = dims[1];
        return out;
    }

    static int prod(int[] d, int from) {
        int p = 1;
        for (int i = from; i < d.length; i++) {
            p *= d[i];
        }
        return p;
    }

    private static void unravel(int flat, int[] dims, int from, int[] out) {
        for (int a = dims.length - 1; a >= from; a--) {
            out[a - from] = flat % dims[a];
            flat /= dims[a];
        }
    }
}
