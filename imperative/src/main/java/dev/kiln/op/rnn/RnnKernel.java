package dev.kiln.op.rnn;

/**
 * The reference math of the fused {@code RNN} op in double precision: the forward pass over layers, directions and
 * time steps, keeping what back-propagation through time needs ({@link Trajectory}), and that back-propagation. The
 * backward pass replays the forward from the same inputs and dropout masks rather than storing the trajectory
 * between the two calls.
 */
final class RnnKernel {
    private final RnnGeometry g;
    private final double[] params;

    /** A kernel for sizes {@code g} and the flat parameter vector {@code params} (MXNet's layout). */
    RnnKernel(RnnGeometry g, double[] params) {
        this.g = g;
        this.params = params;
    }

    /** What one forward pass computed, by layer (and direction), kept for the backward pass. */
    static final class Trajectory {
        /** Per layer, {@code (T, N, in)}: what the layer read (the previous layer's output after dropout). */
        final double[][] inputs;
        /** Per layer, {@code (T, N, dirs*H)}: both directions' hidden states at every step. */
        final double[][] outputs;
        /** Per layer and direction, {@code (T, N, gates*H)}: the activated gates at every step. */
        final double[][][] gates;
        /** Per layer and direction, {@code (T, N, H)}: the LSTM cell state after every step, or GRU's h2h new-gate part. */
        final double[][][] extra;
        /** {@code (layers*dirs, N, H)}: the last hidden and cell states. */
        final double[] hy;
        final double[] cy;

        private Trajectory(RnnGeometry g) {
            inputs = new double[g.layers()][];
            outputs = new double[g.layers()][];
            gates = new double[g.layers()][g.dirs()][];
            extra = new double[g.layers()][g.dirs()][];
            hy = new double[g.layers() * g.dirs() * g.batch() * g.hidden()];
            cy = new double[hy.length];
        }

        /** The top layer's output, {@code (T, N, dirs*H)}. */
        double[] output() {
            return outputs[outputs.length - 1];
        }
    }

    /** The input gradients of one backward pass. */
    record Gradients(double[] data, double[] params, double[] state, double[] stateCell) {
    }

    /**
     * Runs the forward pass on {@code data} {@code (T, N, C)} from states {@code h0} (and {@code c0} for LSTM,
     * else ignored) of shape {@code (layers*dirs, N, H)}. {@code masks[l]}, when not null, scales layer {@code l}'s
     * output before layer {@code l + 1} reads it (dropout between layers).
     */
    Trajectory forward(double[] data, double[] h0, double[] c0, double[][] masks) {
        Trajectory tr = new Trajectory(g);
        int n = g.batch();
        int h = g.hidden();
        tr.inputs[0] = data;
        for (int l = 0; l < g.layers(); l++) {
            tr.outputs[l] = new double[g.seq() * n * g.outputWidth()];
            for (int d = 0; d < g.dirs(); d++) {
                int k = l * g.dirs() + d;
                double[] hs = slice(h0, k * n * h, n * h);
                double[] cs = slice(c0, k * n * h, n * h);
                forwardDirection(tr, l, d, hs, cs);
                System.arraycopy(hs, 0, tr.hy, k * n * h, n * h);
                System.arraycopy(cs, 0, tr.cy, k * n * h, n * h);
            }
            if (l + 1 < g.layers()) {
                tr.inputs[l + 1] = masked(tr.outputs[l], masks == null ? null : masks[l]);
            }
        }
        return tr;
    }

    /** One direction of layer {@code l}, updating {@code hs} and {@code cs} in place to the last states. */
    private void forwardDirection(Trajectory tr, int l, int d, double[] hs, double[] cs) {
        int n = g.batch();
        int h = g.hidden();
        int r = g.rows();
        int in = g.inputOf(l);
        int width = g.outputWidth();
        double[] gates = new double[g.seq() * n * r];
        double[] extra = g.mode() == RnnMode.LSTM || g.mode() == RnnMode.GRU ? new double[g.seq() * n * h] : null;
        double[] gx = new double[n * r];
        double[] gh = new double[n * r];
        for (int s = 0; s < g.seq(); s++) {
            int t = d == 0 ? s : g.seq() - 1 - s;
            affine(tr.inputs[l], t * n * in, n, in, g.i2hWeight(l, d), g.i2hBias(l, d), gx);
            affine(hs, 0, n, h, g.h2hWeight(l, d), g.h2hBias(l, d), gh);
            for (int b = 0; b < n; b++) {
                int gBase = (t * n + b) * r;
                for (int j = 0; j < h; j++) {
                    int at = b * r + j;
                    double next;
                    switch (g.mode()) {
                        case RNN_RELU -> next = gates[gBase + j] = Math.max(0, gx[at] + gh[at]);
                        case RNN_TANH -> next = gates[gBase + j] = Math.tanh(gx[at] + gh[at]);
                        case LSTM -> {
                            double i = sigmoid(gx[at] + gh[at]);
                            double f = sigmoid(gx[at + h] + gh[at + h]);
                            double c = Math.tanh(gx[at + 2 * h] + gh[at + 2 * h]);
                            double o = sigmoid(gx[at + 3 * h] + gh[at + 3 * h]);
                            double cell = f * cs[b * h + j] + i * c;
                            gates[gBase + j] = i;
                            gates[gBase + h + j] = f;
                            gates[gBase + 2 * h + j] = c;
                            gates[gBase + 3 * h + j] = o;
                            extra[(t * n + b) * h + j] = cell;
                            cs[b * h + j] = cell;
                            next = o * Math.tanh(cell);
                        }
                        case GRU -> {
                            double reset = sigmoid(gx[at] + gh[at]);
                            double update = sigmoid(gx[at + h] + gh[at + h]);
                            double hn = gh[at + 2 * h];
                            double cand = Math.tanh(gx[at + 2 * h] + reset * hn);
                            gates[gBase + j] = reset;
                            gates[gBase + h + j] = update;
                            gates[gBase + 2 * h + j] = cand;
                            extra[(t * n + b) * h + j] = hn;
                            next = (1 - update) * cand + update * hs[b * h + j];
                        }
                        default -> throw new IllegalStateException(g.mode().toString());
                    }
                    tr.outputs[l][(t * n + b) * width + d * h + j] = next;
                }
            }
            for (int b = 0; b < n; b++) {
                System.arraycopy(tr.outputs[l], (t * n + b) * width + d * h, hs, b * h, h);
            }
        }
        tr.gates[l][d] = gates;
        tr.extra[l][d] = extra;
    }

    /**
     * Back-propagation through time of {@code tr} (a forward pass of this kernel from {@code h0}, {@code c0} and
     * {@code masks}) for gradients {@code dy} of the output and {@code dhy}, {@code dcy} of the last states (either
     * may be null for zero).
     */
    Gradients backward(Trajectory tr, double[] h0, double[] c0, double[][] masks, double[] dy, double[] dhy,
                       double[] dcy) {
        int n = g.batch();
        int h = g.hidden();
        double[] dParams = new double[params.length];
        double[] dh0 = new double[tr.hy.length];
        double[] dc0 = new double[tr.hy.length];
        double[] dOut = dy;
        double[] dData = null;
        for (int l = g.layers() - 1; l >= 0; l--) {
            double[] dIn = new double[g.seq() * n * g.inputOf(l)];
            for (int d = 0; d < g.dirs(); d++) {
                int k = l * g.dirs() + d;
                double[] dh = dhy == null ? new double[n * h] : slice(dhy, k * n * h, n * h);
                double[] dc = dcy == null ? new double[n * h] : slice(dcy, k * n * h, n * h);
                backwardDirection(tr, l, d, slice(h0, k * n * h, n * h), slice(c0, k * n * h, n * h), dOut, dh, dc,
                        dIn, dParams);
                System.arraycopy(dh, 0, dh0, k * n * h, n * h);
                System.arraycopy(dc, 0, dc0, k * n * h, n * h);
            }
            if (l > 0) {
                dOut = masked(dIn, masks == null ? null : masks[l - 1]);
            } else {
                dData = dIn;
            }
        }
        return new Gradients(dData, dParams, dh0, dc0);
    }

    /**
     * One direction of layer {@code l} backwards in time: reads the output gradient {@code dOut}, turns {@code dh}
     * and {@code dc} (the last states' gradients) into the first states', and adds into {@code dIn} and
     * {@code dParams}.
     */
    private void backwardDirection(Trajectory tr, int l, int d, double[] h0, double[] c0, double[] dOut, double[] dh,
                                   double[] dc, double[] dIn, double[] dParams) {
        int n = g.batch();
        int h = g.hidden();
        int r = g.rows();
        int in = g.inputOf(l);
        int width = g.outputWidth();
        double[] gates = tr.gates[l][d];
        double[] extra = tr.extra[l][d];
        double[] hPrev = new double[n * h];
        double[] cPrev = new double[n * h];
        double[] dgx = new double[n * r];
        double[] dgh = new double[n * r];
        double[] dhPrev = new double[n * h];
        for (int s = g.seq() - 1; s >= 0; s--) {
            int t = d == 0 ? s : g.seq() - 1 - s;
            int tPrev = d == 0 ? t - 1 : t + 1;
            for (int b = 0; b < n; b++) {
                if (s == 0) {
                    System.arraycopy(h0, b * h, hPrev, b * h, h);
                    System.arraycopy(c0, b * h, cPrev, b * h, h);
                } else {
                    System.arraycopy(tr.outputs[l], (tPrev * n + b) * width + d * h, hPrev, b * h, h);
                    if (extra != null) {
                        System.arraycopy(extra, (tPrev * n + b) * h, cPrev, b * h, h);
                    }
                }
            }
            java.util.Arrays.fill(dhPrev, 0);
            for (int b = 0; b < n; b++) {
                int gBase = (t * n + b) * r;
                for (int j = 0; j < h; j++) {
                    int at = b * r + j;
                    int hj = b * h + j;
                    double dNext = dh[hj] + dOut[(t * n + b) * width + d * h + j];
                    switch (g.mode()) {
                        case RNN_RELU -> dgx[at] = dgh[at] = gates[gBase + j] > 0 ? dNext : 0;
                        case RNN_TANH -> {
                            double y = gates[gBase + j];
                            dgx[at] = dgh[at] = dNext * (1 - y * y);
                        }
                        case LSTM -> {
                            double i = gates[gBase + j];
                            double f = gates[gBase + h + j];
                            double c = gates[gBase + 2 * h + j];
                            double o = gates[gBase + 3 * h + j];
                            double tc = Math.tanh(extra[(t * n + b) * h + j]);
                            double dCell = dc[hj] + dNext * o * (1 - tc * tc);
                            dgx[at] = dgh[at] = dCell * c * i * (1 - i);
                            dgx[at + h] = dgh[at + h] = dCell * cPrev[hj] * f * (1 - f);
                            dgx[at + 2 * h] = dgh[at + 2 * h] = dCell * i * (1 - c * c);
                            dgx[at + 3 * h] = dgh[at + 3 * h] = dNext * tc * o * (1 - o);
                            dc[hj] = dCell * f;
                        }
                        case GRU -> {
                            double reset = gates[gBase + j];
                            double update = gates[gBase + h + j];
                            double cand = gates[gBase + 2 * h + j];
                            double dCandPre = dNext * (1 - update) * (1 - cand * cand);
                            double dReset = dCandPre * extra[(t * n + b) * h + j] * reset * (1 - reset);
                            double dUpdate = dNext * (hPrev[hj] - cand) * update * (1 - update);
                            dgx[at] = dgh[at] = dReset;
                            dgx[at + h] = dgh[at + h] = dUpdate;
                            dgx[at + 2 * h] = dCandPre;
                            dgh[at + 2 * h] = dCandPre * reset;
                            dhPrev[hj] = dNext * update;
                        }
                        default -> throw new IllegalStateException(g.mode().toString());
                    }
                }
            }
            affineBackward(tr.inputs[l], t * n * in, n, in, dgx, g.i2hWeight(l, d), g.i2hBias(l, d), dIn, dParams);
            affineBackward(hPrev, 0, n, h, dgh, g.h2hWeight(l, d), g.h2hBias(l, d), dhPrev, dParams);
            System.arraycopy(dhPrev, 0, dh, 0, n * h);
        }
    }

    /** {@code out (n, rows) = x[xOff:] (n, in) . W^T + b}, W and b read from the parameters at the offsets. */
    private void affine(double[] x, int xOff, int n, int in, int wOff, int bOff, double[] out) {
        int r = g.rows();
        for (int b = 0; b < n; b++) {
            int xb = xOff + b * in;
            for (int j = 0; j < r; j++) {
                double sum = params[bOff + j];
                int wj = wOff + j * in;
                for (int c = 0; c < in; c++) {
                    sum += x[xb + c] * params[wj + c];
                }
                out[b * r + j] = sum;
            }
        }
    }

    /**
     * The backward of {@link #affine} for output gradient {@code dOut (n, rows)}: adds {@code dOut . W} into
     * {@code dx} (at the offset {@code x} was read from), {@code dOut^T . x} into the weight's gradient and the
     * column sums of {@code dOut} into the bias's.
     */
    private void affineBackward(double[] x, int xOff, int n, int in, double[] dOut, int wOff, int bOff,
                                double[] dx, double[] dParams) {
        int r = g.rows();
        for (int b = 0; b < n; b++) {
            int xb = xOff + b * in;
            for (int j = 0; j < r; j++) {
                double gj = dOut[b * r + j];
                if (gj == 0) {
                    continue;
                }
                dParams[bOff + j] += gj;
                int wj = wOff + j * in;
                for (int c = 0; c < in; c++) {
                    dParams[wj + c] += gj * x[xb + c];
                    dx[xb + c] += gj * params[wj + c];
                }
            }
        }
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** {@code values * mask} elementwise, or {@code values} itself without a mask. */
    private static double[] masked(double[] values, double[] mask) {
        if (mask == null) {
            return values;
        }
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] * mask[i];
        }
        return out;
    }

    /** A copy of {@code len} values from {@code from}, or zeros when {@code a} is null. */
    private static double[] slice(double[] a, int from, int len) {
        double[] out = new double[len];
        if (a != null) {
            System.arraycopy(a, from, out, 0, len);
        }
        return out;
    }
}
