package dev.kiln.op.nn;

/**
 * The connectionist temporal classification cost of one sequence and its gradient with respect to the unnormalised
 * activations, by the forward-backward recursion over the label interleaved with blanks, in log space. Follows
 * MXNet's CPU kernel: a label that cannot fit in the time steps (its length plus its repeated neighbours exceeds
 * them) costs 0 with a zero gradient.
 */
final class CtcKernel {
    private CtcKernel() {
    }

    /**
     * Cost of {@code labels} for the activations {@code act} (time-major, {@code act[t][c]}, only the first
     * {@code time} steps read) with blank class {@code blank}; writes {@code d cost / d act} into {@code grad}
     * (same layout, steps from {@code time} on left untouched). Returns the cost, {@code -log p(labels)}.
     */
    static double costAndGradient(double[][] act, int time, int[] labels, int blank, double[][] grad) {
        int classes = act.length == 0 ? 0 : act[0].length;
        int len = labels.length;
        int repeats = 0;
        for (int i = 1; i < len; i++) {
            if (labels[i] == labels[i - 1]) {
                repeats++;
            }
        }
        if (time == 0 || len + repeats > time) {
            return 0;
        }
        double[][] logp = new double[time][classes];
        for (int t = 0; t < time; t++) {
            logSoftmax(act[t], logp[t]);
        }
        int s = 2 * len + 1;
        int[] ext = new int[s];
        for (int i = 0; i < s; i++) {
            ext[i] = i % 2 == 0 ? blank : labels[i / 2];
        }
        double[][] alpha = filled(time, s);
        alpha[0][0] = logp[0][blank];
        if (s > 1) {
            alpha[0][1] = logp[0][ext[1]];
        }
        for (int t = 1; t < time; t++) {
            for (int i = 0; i < s; i++) {
                double sum = alpha[t - 1][i];
                if (i >= 1) {
                    sum = logAdd(sum, alpha[t - 1][i - 1]);
                }
                if (skipAllowed(ext, i, blank)) {
                    sum = logAdd(sum, alpha[t - 1][i - 2]);
                }
                alpha[t][i] = sum + logp[t][ext[i]];
            }
        }
        double[][] beta = filled(time, s);
        beta[time - 1][s - 1] = logp[time - 1][blank];
        if (s > 1) {
            beta[time - 1][s - 2] = logp[time - 1][ext[s - 2]];
        }
        for (int t = time - 2; t >= 0; t--) {
            for (int i = 0; i < s; i++) {
                double sum = beta[t + 1][i];
                if (i + 1 < s) {
                    sum = logAdd(sum, beta[t + 1][i + 1]);
                }
                if (i + 2 < s && skipAllowed(ext, i + 2, blank)) {
                    sum = logAdd(sum, beta[t + 1][i + 2]);
                }
                beta[t][i] = sum + logp[t][ext[i]];
            }
        }
        double logLikelihood = alpha[time - 1][s - 1];
        if (s > 1) {
            logLikelihood = logAdd(logLikelihood, alpha[time - 1][s - 2]);
        }
        double[] occupancy = new double[classes];
        for (int t = 0; t < time; t++) {
            java.util.Arrays.fill(occupancy, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < s; i++) {
                occupancy[ext[i]] = logAdd(occupancy[ext[i]], alpha[t][i] + beta[t][i]);
            }
            for (int c = 0; c < classes; c++) {
                double p = Math.exp(logp[t][c]);
                grad[t][c] = occupancy[c] == Double.NEGATIVE_INFINITY ? p
                        : p - Math.exp(occupancy[c] - logp[t][c] - logLikelihood);
            }
        }
        return -logLikelihood;
    }

    /** A step from {@code i - 2} to {@code i} skips a blank: allowed onto a label that differs from the one before. */
    private static boolean skipAllowed(int[] ext, int i, int blank) {
        return i >= 2 && ext[i] != blank && ext[i] != ext[i - 2];
    }

    private static void logSoftmax(double[] x, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        double log = Math.log(sum);
        for (int c = 0; c < x.length; c++) {
            out[c] = x[c] - max - log;
        }
    }

    private static double[][] filled(int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            java.util.Arrays.fill(row, Double.NEGATIVE_INFINITY);
        }
        return a;
    }

    static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double m = Math.max(a, b);
        return m + Math.log1p(Math.exp(-Math.abs(a - b)));
    }
}
