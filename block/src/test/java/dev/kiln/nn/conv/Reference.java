package dev.kiln.nn.conv;

/**
 * Plain-Java loops computing what the layers must, written from the definitions (not from the kernels), on
 * channels-second data: direct convolution, transposed convolution by scattering each input element, MXNet's pooling
 * windows (padding counted up to the padded edge when {@code countIncludePad}), adaptive windows and reflection.
 */
final class Reference {
    private Reference() {
    }

    /** Cross-correlation of {@code x} with {@code w} (filters, channels / groups, kernel...) plus {@code bias}. */
    static Grid conv(Grid x, Grid w, double[] bias, int[] stride, int[] pad, int[] dilate, int groups) {
        int r = x.rank() - 2;
        int filters = w.dims()[0];
        int perGroupIn = w.dims()[1];
        int perGroupOut = filters / groups;
        int[] kernel = w.spatial();
        int[] outDims = new int[r + 2];
        outDims[0] = x.dims()[0];
        outDims[1] = filters;
        for (int i = 0; i < r; i++) {
            outDims[i + 2] = (x.dims()[i + 2] + 2 * pad[i] - dilate[i] * (kernel[i] - 1) - 1) / stride[i] + 1;
        }
        Grid out = Grid.zeros(outDims);
        int[] at = new int[r];
        for (int n = 0; n < outDims[0]; n++) {
            for (int f = 0; f < filters; f++) {
                int g = f / perGroupOut;
                for (int[] o : Grid.positions(out.spatial())) {
                    double sum = bias == null ? 0 : bias[f];
                    for (int c = 0; c < perGroupIn; c++) {
                        for (int[] k : Grid.positions(kernel)) {
                            if (inside(x, o, k, stride, pad, dilate, at)) {
                                sum += x.get(n, g * perGroupIn + c, at) * w.get(f, c, k);
                            }
                        }
                    }
                    out.set(n, f, o, sum);
                }
            }
        }
        return out;
    }

    /** Sets {@code at} to the input position tap {@code k} of output {@code o} reads; false if it is padding. */
    private static boolean inside(Grid x, int[] o, int[] k, int[] stride, int[] pad, int[] dilate, int[] at) {
        for (int i = 0; i < o.length; i++) {
            at[i] = o[i] * stride[i] - pad[i] + k[i] * dilate[i];
            if (at[i] < 0 || at[i] >= x.dims()[i + 2]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Transposed convolution with {@code w} (channels, filters / groups, kernel...): every input element adds
     * itself times the kernel into the output, at {@code i * stride - pad + k * dilate}.
     */
    static Grid deconv(Grid x, Grid w, double[] bias, int[] stride, int[] pad, int[] dilate, int[] adj,
                       int groups) {
        int r = x.rank() - 2;
        int channels = x.dims()[1];
        int perGroupIn = channels / groups;
        int perGroupOut = w.dims()[1];
        int[] kernel = w.spatial();
        int[] outDims = new int[r + 2];
        outDims[0] = x.dims()[0];
        outDims[1] = perGroupOut * groups;
        for (int i = 0; i < r; i++) {
            outDims[i + 2] = (x.dims()[i + 2] - 1) * stride[i] - 2 * pad[i] + dilate[i] * (kernel[i] - 1) + 1 + adj[i];
        }
        Grid out = Grid.zeros(outDims);
        int[] at = new int[r];
        for (int n = 0; n < outDims[0]; n++) {
            for (int c = 0; c < channels; c++) {
                int g = c / perGroupIn;
                for (int[] i : Grid.positions(x.spatial())) {
                    for (int[] k : Grid.positions(kernel)) {
                        boolean in = true;
                        for (int a = 0; a < r; a++) {
                            at[a] = i[a] * stride[a] - pad[a] + k[a] * dilate[a];
                            in &= at[a] >= 0 && at[a] < outDims[a + 2];
                        }
                        for (int f = 0; in && f < perGroupOut; f++) {
                            out.add(n, g * perGroupOut + f, at, x.get(n, c, i) * w.get(c, f, k));
                        }
                    }
                }
            }
        }
        if (bias != null) {
            for (int n = 0; n < outDims[0]; n++) {
                for (int f = 0; f < outDims[1]; f++) {
                    for (int[] o : Grid.positions(out.spatial())) {
                        out.add(n, f, o, bias[f]);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Max or average pooling as MXNet defines it: window {@code [o * stride - pad, + kernel)}; the average divides
     * by the window clipped to the padded edge ({@code countIncludePad}) or to the data; {@code ceil} rounds the
     * output size up.
     */
    static Grid pool(Grid x, int[] kernel, int[] stride, int[] pad, boolean max, boolean ceil,
                     boolean countIncludePad) {
        int r = x.rank() - 2;
        int[] outDims = x.dims().clone();
        for (int i = 0; i < r; i++) {
            int span = x.dims()[i + 2] + 2 * pad[i] - kernel[i];
            outDims[i + 2] = (ceil ? (span + stride[i] - 1) / stride[i] : span / stride[i]) + 1;
        }
        int[][] from = new int[r][];
        int[][] to = new int[r][];
        int[][] divisor = new int[r][];
        for (int i = 0; i < r; i++) {
            from[i] = new int[outDims[i + 2]];
            to[i] = new int[outDims[i + 2]];
            divisor[i] = new int[outDims[i + 2]];
            int size = x.dims()[i + 2];
            for (int o = 0; o < outDims[i + 2]; o++) {
                int start = o * stride[i] - pad[i];
                int end = Math.min(start + kernel[i], size + pad[i]);
                from[i][o] = Math.max(start, 0);
                to[i][o] = Math.min(end, size);
                divisor[i][o] = countIncludePad ? end - start : to[i][o] - from[i][o];
            }
        }
        return windows(x, outDims, from, to, divisor, max);
    }

    /** Adaptive pooling to {@code outSize}: output {@code o} of {@code n} pools {@code [floor(o x / n), ceil((o + 1) x / n))}. */
    static Grid adaptive(Grid x, int[] outSize, boolean max) {
        int r = x.rank() - 2;
        int[] outDims = x.dims().clone();
        int[][] from = new int[r][];
        int[][] to = new int[r][];
        int[][] divisor = new int[r][];
        for (int i = 0; i < r; i++) {
            int n = outSize[i];
            int size = x.dims()[i + 2];
            outDims[i + 2] = n;
            from[i] = new int[n];
            to[i] = new int[n];
            divisor[i] = new int[n];
            for (int o = 0; o < n; o++) {
                from[i][o] = Math.floorDiv(o * size, n);
                to[i][o] = -Math.floorDiv(-(o + 1) * size, n);
                divisor[i][o] = to[i][o] - from[i][o];
            }
        }
        return windows(x, outDims, from, to, divisor, max);
    }

    /** Max, or sum over the product of per-axis divisors, of each box {@code [from, to)}. */
    private static Grid windows(Grid x, int[] outDims, int[][] from, int[][] to, int[][] divisor, boolean max) {
        int r = outDims.length - 2;
        Grid out = Grid.zeros(outDims);
        int[] at = new int[r];
        for (int n = 0; n < outDims[0]; n++) {
            for (int c = 0; c < outDims[1]; c++) {
                for (int[] o : Grid.positions(out.spatial())) {
                    int[] box = new int[r];
                    double div = 1;
                    for (int i = 0; i < r; i++) {
                        box[i] = to[i][o[i]] - from[i][o[i]];
                        div *= divisor[i][o[i]];
                    }
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int[] k : Grid.positions(box)) {
                        for (int i = 0; i < r; i++) {
                            at[i] = from[i][o[i]] + k[i];
                        }
                        double v = x.get(n, c, at);
                        acc = max ? Math.max(acc, v) : acc + v;
                    }
                    out.set(n, c, o, max ? acc : acc / div);
                }
            }
        }
        return out;
    }

    /** Pads the spatial axes by {@code p} on each side, mirroring at the border element without repeating it. */
    static Grid reflect(Grid x, int p) {
        int r = x.rank() - 2;
        int[] outDims = x.dims().clone();
        for (int i = 0; i < r; i++) {
            outDims[i + 2] += 2 * p;
        }
        Grid out = Grid.zeros(outDims);
        int[] at = new int[r];
        for (int n = 0; n < outDims[0]; n++) {
            for (int c = 0; c < outDims[1]; c++) {
                for (int[] o : Grid.positions(out.spatial())) {
                    for (int i = 0; i < r; i++) {
                        int last = x.dims()[i + 2] - 1;
                        int q = Math.abs(o[i] - p);
                        at[i] = q > last ? 2 * last - q : q;
                    }
                    out.set(n, c, o, x.get(n, c, at));
                }
            }
        }
        return out;
    }
}
