package dev.kiln.op.rnn;

/**
 * An independent plain-Java RNN/LSTM/GRU for checking the fused op: reads the flat parameter vector with a cursor
 * (weights by layer and direction, i2h then h2h, then the biases the same way), keeps one matrix per gate and steps
 * through time with the textbook equations. Arrays are nested {@code [t][n][c]}.
 */
final class ReferenceRnn {
    final double[][][] out;
    final double[][][] hy;
    final double[][][] cy;

    /**
     * Runs {@code mode} over {@code x[t][n][c]} from states {@code h0[k][n][j]} and {@code c0} (LSTM only; k =
     * layer*dirs + direction), with {@code masks[l][t][n][j]} (or null) scaling layer l's output for the next layer.
     */
    ReferenceRnn(String mode, int layers, boolean bidirectional, int hidden, double[] params, double[][][] x,
                 double[][][] h0, double[][][] c0, double[][][][] masks) {
        int dirs = bidirectional ? 2 : 1;
        int gates = switch (mode) {
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> 1;
        };
        int steps = x.length;
        int batch = x[0].length;
        int[] cursor = {0};
        double[][][][][] wx = new double[layers][dirs][][][];
        double[][][][][] wh = new double[layers][dirs][][][];
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? x[0][0].length : dirs * hidden;
            for (int d = 0; d < dirs; d++) {
                wx[l][d] = read(params, cursor, gates, hidden, in);
                wh[l][d] = read(params, cursor, gates, hidden, hidden);
            }
        }
        double[][][][] bx = new double[layers][dirs][][];
        double[][][][] bh = new double[layers][dirs][][];
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < dirs; d++) {
                bx[l][d] = column(read(params, cursor, gates, hidden, 1));
                bh[l][d] = column(read(params, cursor, gates, hidden, 1));
            }
        }
        if (cursor[0] != params.length) {
            throw new IllegalArgumentException("parameter vector has " + params.length + " values, layout uses "
                    + cursor[0]);
        }
        hy = new double[layers * dirs][][];
        cy = new double[layers * dirs][][];
        double[][][] layerIn = x;
        double[][][] layerOut = null;
        for (int l = 0; l < layers; l++) {
            layerOut = new double[steps][batch][dirs * hidden];
            for (int d = 0; d < dirs; d++) {
                int k = l * dirs + d;
                double[][] h = copy(h0[k]);
                double[][] c = c0 == null ? new double[batch][hidden] : copy(c0[k]);
                for (int s = 0; s < steps; s++) {
                    int t = d == 0 ? s : steps - 1 - s;
                    for (int n = 0; n < batch; n++) {
                        double[] xi = layerIn[t][n];
                        double[] hNew = new double[hidden];
                        for (int j = 0; j < hidden; j++) {
                            double[] a = new double[gates];
                            double[] ah = new double[gates];
                            for (int q = 0; q < gates; q++) {
                                a[q] = dot(wx[l][d][q][j], xi) + bx[l][d][q][j];
                                ah[q] = dot(wh[l][d][q][j], h[n]) + bh[l][d][q][j];
                            }
                            switch (mode) {
                                case "rnn_relu" -> hNew[j] = Math.max(0, a[0] + ah[0]);
                                case "rnn_tanh" -> hNew[j] = Math.tanh(a[0] + ah[0]);
                                case "lstm" -> {
                                    double i = sigmoid(a[0] + ah[0]);
                                    double f = sigmoid(a[1] + ah[1]);
                                    double g = Math.tanh(a[2] + ah[2]);
                                    double o = sigmoid(a[3] + ah[3]);
                                    c[n][j] = f * c[n][j] + i * g;
                                    hNew[j] = o * Math.tanh(c[n][j]);
                                }
                                case "gru" -> {
                                    double r = sigmoid(a[0] + ah[0]);
                                    double z = sigmoid(a[1] + ah[1]);
                                    double cand = Math.tanh(a[2] + r * ah[2]);
                                    hNew[j] = (1 - z) * cand + z * h[n][j];
                                }
                                default -> throw new IllegalArgumentException(mode);
                            }
                        }
                        h[n] = hNew;
                        System.arraycopy(hNew, 0, layerOut[t][n], d * hidden, hidden);
                    }
                }
                hy[k] = h;
                cy[k] = c;
            }
            if (l + 1 < layers) {
                layerIn = new double[steps][batch][dirs * hidden];
                for (int t = 0; t < steps; t++) {
                    for (int n = 0; n < batch; n++) {
                        for (int j = 0; j < dirs * hidden; j++) {
                            layerIn[t][n][j] = layerOut[t][n][j] * (masks == null ? 1 : masks[l][t][n][j]);
                        }
                    }
                }
            }
        }
        out = layerOut;
    }

    /** {@code gates} matrices of {@code (rows, cols)} read row by row from the cursor. */
    private static double[][][] read(double[] p, int[] cursor, int gates, int rows, int cols) {
        double[][][] m = new double[gates][rows][cols];
        for (int q = 0; q < gates; q++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    m[q][r][c] = p[cursor[0]++];
                }
            }
        }
        return m;
    }

    /** A gates x rows x 1 read as gates x rows. */
    private static double[][] column(double[][][] m) {
        double[][] out = new double[m.length][m[0].length];
        for (int q = 0; q < m.length; q++) {
            for (int r = 0; r < m[0].length; r++) {
                out[q][r] = m[q][r][0];
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
