package dev.kiln.op.nn;

import dev.kiln.kernel.simd.VectorSums;
import dev.kiln.kernel.simd.VectorSupport;

/**
 * BatchNorm's per-channel loops over float32 arrays read and written in place, without copying a channel out: channel
 * {@code c} of data viewed as {@link Rows} ({@code outer x channels x inner}) is {@code outer} contiguous runs of
 * {@code inner} elements. Sums accumulate in double: in double vector lanes when the Vector API is available
 * ({@link VectorSums}), else in interleaved partial sums, so consecutive adds do not wait on each other;
 * element-wise results are computed in double and rounded once, as the copying path for other dtypes
 * does (on the Vector API with {@link VectorBatchNorm}, bit for bit as the scalar loops).
 */
final class BatchNormKernels {
    /** Whether the loops run on the Vector API ({@link VectorSums}, {@link VectorBatchNorm}). */
    private static final boolean VECTOR = VectorSupport.isAvailable();

    private BatchNormKernels() {
    }

    /**
     * The batch statistics of channel {@code c} in one pass: {@code out[0]} its mean and {@code out[1]} the sum of
     * squared deviations from it. The sums run shifted by the channel's first element (exact zeros for a constant
     * channel; no cancellation at double precision for data within many orders of magnitude of its spread), so the
     * channel is read once rather than once for the mean and again for the deviations.
     */
    static void moments(float[] x, Rows rows, int c, double[] out) {
        int inner = rows.inner();
        int block = rows.length() * inner;
        int n = rows.outer() * inner;
        double shift = n > 0 ? x[c * inner] : 0;
        double s;
        double q;
        if (VECTOR) {
            out[0] = 0;
            out[1] = 0;
            for (int o = 0; o < rows.outer(); o++) {
                VectorSums.shiftedSums(x, o * block + c * inner, inner, shift, out);
            }
            s = out[0];
            q = out[1];
        } else {
            double s0 = 0;
            double s1 = 0;
            double q0 = 0;
            double q1 = 0;
            for (int o = 0; o < rows.outer(); o++) {
                int i = o * block + c * inner;
                int end = i + inner;
                for (; i + 1 < end; i += 2) {
                    double d0 = x[i] - shift;
                    double d1 = x[i + 1] - shift;
                    s0 += d0;
                    s1 += d1;
                    q0 += d0 * d0;
                    q1 += d1 * d1;
                }
                if (i < end) {
                    double d = x[i] - shift;
                    s0 += d;
                    q0 += d * d;
                }
            }
            s = s0 + s1;
            q = q0 + q1;
        }
        double meanShift = s / n;
        out[0] = shift + meanShift;
        out[1] = Math.max(0, q - s * meanShift);
    }

    /**
     * Writes {@code y = (x - mean) * scale + shift} over channel {@code c}, with {@code relu} passed through
     * {@code max(y, 0)} (as the relu op after it would: NaN stays, {@code -0} becomes {@code +0}).
     */
    static void normalise(float[] x, float[] y, Rows rows, int c, double mean, double scale, double shift,
                          boolean relu) {
        int inner = rows.inner();
        int block = rows.length() * inner;
        for (int o = 0; o < rows.outer(); o++) {
            int base = o * block + c * inner;
            if (VECTOR) {
                VectorBatchNorm.normalise(x, y, base, inner, mean, scale, shift, relu);
            } else if (relu) {
                for (int i = base; i < base + inner; i++) {
                    y[i] = Math.max((float) ((x[i] - mean) * scale + shift), 0f);
                }
            } else {
                for (int i = base; i < base + inner; i++) {
                    y[i] = (float) ((x[i] - mean) * scale + shift);
                }
            }
        }
    }

    /**
     * The two sums of the BatchNorm gradient over channel {@code c}: {@code sums[0] = sum(og)} and
     * {@code sums[1] = sum(og * xhat)} with {@code xhat = (x - mean) * invStd}.
     */
    static void gradientSums(float[] og, float[] x, Rows rows, int c, double mean, double invStd, double[] sums) {
        int inner = rows.inner();
        int block = rows.length() * inner;
        if (VECTOR) {
            sums[0] = 0;
            sums[1] = 0;
            for (int o = 0; o < rows.outer(); o++) {
                VectorSums.gradientSums(og, x, o * block + c * inner, inner, mean, invStd, sums);
            }
            return;
        }
        double o0 = 0;
        double o1 = 0;
        double p0 = 0;
        double p1 = 0;
        for (int o = 0; o < rows.outer(); o++) {
            int i = o * block + c * inner;
            int end = i + inner;
            for (; i + 1 < end; i += 2) {
                double g0 = og[i];
                double g1 = og[i + 1];
                o0 += g0;
                o1 += g1;
                p0 += g0 * ((x[i] - mean) * invStd);
                p1 += g1 * ((x[i + 1] - mean) * invStd);
            }
            if (i < end) {
                double g = og[i];
                o0 += g;
                p0 += g * ((x[i] - mean) * invStd);
            }
        }
        sums[0] = o0 + o1;
        sums[1] = p0 + p1;
    }

    /**
     * Writes the data gradient through the batch statistics over channel {@code c}:
     * {@code dx = scale * (og - meanO - xhat * meanOX) + viaMean - viaInvStd * xhat}.
     */
    static void batchGradient(float[] og, float[] x, float[] dx, Rows rows, int c, double mean, double invStd,
                              double scale, double meanO, double meanOX, double viaMean, double viaInvStd) {
        int inner = rows.inner();
        int block = rows.length() * inner;
        for (int o = 0; o < rows.outer(); o++) {
            int base = o * block + c * inner;
            if (VECTOR) {
                VectorBatchNorm.batchGradient(og, x, dx, base, inner, mean, invStd, scale, meanO, meanOX, viaMean,
                        viaInvStd);
                continue;
            }
            for (int i = base; i < base + inner; i++) {
                double v = (x[i] - mean) * invStd;
                dx[i] = (float) (scale * (og[i] - meanO - v * meanOX) + viaMean - viaInvStd * v);
            }
        }
    }

    /** Writes {@code dx = og * scale} over channel {@code c} (moving statistics are constants). */
    static void scaledGradient(float[] og, float[] dx, Rows rows, int c, double scale) {
        int inner = rows.inner();
        int block = rows.length() * inner;
        for (int o = 0; o < rows.outer(); o++) {
            int base = o * block + c * inner;
            for (int i = base; i < base + inner; i++) {
                dx[i] = (float) (og[i] * scale);
            }
        }
    }
}
