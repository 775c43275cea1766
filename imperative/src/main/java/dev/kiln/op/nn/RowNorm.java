package dev.kiln.op.nn;

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
                double sum = 0;
                for (int j = 0; j < m; j++) {
                    sum += buf[j];
                }
                double mu = sum / m;
                double sq = 0;
                for (int j = 0; j < m; j++) {
                    double d = buf[j] - mu;
                    sq += d * d;
                }
                double sigma = Math.sqrt(sq / m + eps);
                mean[r] = mu;
                std[r] = sigma;
                if (perPosition) {
                    for (int j = 0; j < m; j++) {
                        buf[j] = (buf[j] - mu) / sigma * gamma[j] + beta[j];
                    }
                } else {
                    double g = gamma[r % period];
                    double b = beta[r % period];
                    for (int j = 0; j < m; j++) {
                        buf[j] = (buf[j] - mu) / sigma * g + b;
                    }
                }
                Rows.scatter(buf, 0, out, base, stride, m);
            }
        });
        return new Moments(mean, std);
    }
}
