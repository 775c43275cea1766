package dev.kiln.op.nn;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parallel.Parallel;

/**
 * Normalises each row of a {@link Rows} layout to zero mean and unit variance (biased, 1/N), then scales and shifts:
 * {@code out = (x - mean) / sqrt(var + eps) * gamma + beta}. Shared by LayerNorm (one gamma per position along the
 * row) and InstanceNorm and GroupNorm (one gamma per row, cycling with period {@code gammaPeriod}).
 */
final class RowNorm {
    /** Per-row statistics: the mean and {@code sqrt(var + eps)}. */
    record Moments(double[] mean, double[] std) {
    }

    /**
     * How an op lays out its rows and parameters.
     *
     * @param perPosition true: gamma/beta index the position within a row; false: they index {@code row % period}
     */
    record Layout(Rows rows, boolean perPosition, int period) {
        int paramIndex(int row, int position) {
            return perPosition ? position : row % period;
        }
    }

    /** How many interleaved partial sums {@link #sum} adds a row into. */
    static final int STRIPES = 16;

    /** Whether {@link #sum} keeps its partials in vector lanes ({@link VectorRowSums}). */
    private static final boolean VECTOR = VectorSupport.isAvailable();

    private RowNorm() {
    }

    /**
     * @param perPosition true: gamma/beta index the position within a row; false: they index {@code row % period}
     * @param period      number of distinct gamma values when {@code perPosition} is false
     */
    static Moments run(NDArray x, NDArray out, Rows rows, double eps, double[] gamma, double[] beta,
                       boolean perPosition, int period) {
        int m = rows.length();
        int count = rows.count();
        double[] mean = new double[count];
        double[] std = new double[count];
        int stride = rows.inner();
        Parallel.forRange(count, rows.grain(), (from, to) -> {
            double[] buf = new double[m];
            for (int r = from; r < to; r++) {
                int base = rows.base(r);
                Rows.gather(x, base, stride, m, buf, 0);
                double mu = mean(buf, m);
                double sigma = std(buf, m, mu, eps);
                mean[r] = mu;
                std[r] = sigma;
                if (perPosition) {
                    normalise(buf, m, mu, sigma, gamma, beta);
                } else {
                    double g = gamma[r % period];
                    double b = beta[r % period];
                    double inverse = 1.0 / sigma;
                    for (int j = 0; j < m; j++) {
                        buf[j] = (buf[j] - mu) * inverse * g + b;
                    }
                }
                Rows.scatter(buf, 0, out, base, stride, m);
            }
        });
        return new Moments(mean, std);
    }

    /** The mean of {@code buf[0, m)}, summed as {@link #sum} sums. */
    static double mean(double[] buf, int m) {
        return sum(buf, m, 0, false) / m;
    }

    /** {@code sqrt(var + eps)} of {@code buf[0, m)} around {@code mu}, the biased variance summed as {@link #sum}. */
    static double std(double[] buf, int m, double mu, double eps) {
        return Math.sqrt(sum(buf, m, mu, true) / m + eps);
    }

    /**
     * The sum of {@code buf[0, m)}, or of the squares of {@code buf[j] - mu} when {@code square} (each square added
     * by one multiply-add), in double in {@link #STRIPES} interleaved partial sums (position {@code j} into partial
     * {@code j % STRIPES}), then folded in halves (partial {@code q} plus partial {@code q + 8}, then {@code q + 4},
     * ...): independent additions instead of one dependency chain, the same order on every path and at every call.
     * {@link VectorRowSums} does the same in vector lanes.
     */
    static double sum(double[] buf, int m, double mu, boolean square) {
        return VECTOR && VectorRowSums.fits(m) ? VectorRowSums.sum(buf, m, mu, square) : stripedSum(buf, m, mu, square);
    }

    /** {@link #sum} by the scalar loop, for any row length. */
    static double stripedSum(double[] buf, int m, double mu, boolean square) {
        double[] p = new double[STRIPES];
        for (int j = 0; j < m; j++) {
            double d = buf[j] - mu;
            int q = j % STRIPES;
            p[q] = square ? Math.fma(d, d, p[q]) : p[q] + d;
        }
        for (int width = STRIPES / 2; width > 0; width /= 2) {
            for (int q = 0; q < width; q++) {
                p[q] += p[q + width];
            }
        }
        return p[0];
    }

    /**
     * {@code buf[j] = (buf[j] - mu) / sigma * gamma[j] + beta[j]}: the per-position scale and shift, dividing by
     * multiplying with {@code 1 / sigma} (in double, so the float result is the quotient's short of a double-rounding
     * tie; a division costs several multiplications).
     */
    static void normalise(double[] buf, int m, double mu, double sigma, double[] gamma, double[] beta) {
        double inverse = 1.0 / sigma;
        for (int j = 0; j < m; j++) {
            buf[j] = (buf[j] - mu) * inverse * gamma[j] + beta[j];
        }
    }

    /**
     * The gradients of {@link #run}: writes the data gradient into {@code dx} and returns gamma's and beta's. The
     * statistics are those of the forward call; {@code meanGrad} and {@code stdGrad} are the gradients that reached
     * them (the outputs of {@code output_mean_var}), zeros otherwise.
     */
    static double[][] backward(NDArray og, NDArray x, NDArray dx, Layout layout, double[] mean, double[] std,
                               double[] gamma, double[] meanGrad, double[] stdGrad) {
        Rows rows = layout.rows();
        int m = rows.length();
        int stride = rows.inner();
        Parallel.forRange(rows.count(), rows.grain(), (from, to) -> {
            double[] o = new double[m];
            double[] v = new double[m];
            for (int r = from; r < to; r++) {
                int base = rows.base(r);
                Rows.gather(og, base, stride, m, o, 0);
                Rows.gather(x, base, stride, m, v, 0);
                double sumDy = 0;
                double sumDyX = 0;
                for (int j = 0; j < m; j++) {
                    v[j] = (v[j] - mean[r]) / std[r];
                    double dy = o[j] * gamma[layout.paramIndex(r, j)];
                    sumDy += dy;
                    sumDyX += dy * v[j];
                }
                double viaMean = meanGrad[r] / m;
                double viaStd = stdGrad[r] / m;
                for (int j = 0; j < m; j++) {
                    double dy = o[j] * gamma[layout.paramIndex(r, j)];
                    o[j] = (dy - sumDy / m - v[j] * sumDyX / m) / std[r] + viaMean + viaStd * v[j];
                }
                Rows.scatter(o, 0, dx, base, stride, m);
            }
        });
        double[] dGamma = new double[gamma.length];
        double[] dBeta = new double[gamma.length];
        double[] o = new double[m];
        double[] v = new double[m];
        for (int r = 0; r < rows.count(); r++) {
            int base = rows.base(r);
            Rows.gather(og, base, stride, m, o, 0);
            Rows.gather(x, base, stride, m, v, 0);
            for (int j = 0; j < m; j++) {
                int k = layout.paramIndex(r, j);
                dGamma[k] += o[j] * (v[j] - mean[r]) / std[r];
                dBeta[k] += o[j];
            }
        }
        return new double[][] {dGamma, dBeta};
    }
}
