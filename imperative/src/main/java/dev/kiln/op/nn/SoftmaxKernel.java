package dev.kiln.op.nn;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parallel.Parallel;

import java.util.function.DoubleUnaryOperator;

/**
 * Numerically stable softmax and log-softmax along the rows of a {@link Rows} layout: the row maximum is subtracted
 * before exponentiating, an optional temperature divides the shifted logits, and an optional per-row length keeps
 * only the first {@code length} elements (the rest become 0). Arithmetic follows MXNet's precision: float64 in
 * double; float32 shifted logits in float with sums in double; float16 and bfloat16 round the shifted logits, the
 * running sum and the result to the input dtype, as MXNet does unless {@code MXNET_SAFE_ACCUMULATION=1} (then the
 * sum and result stay in float32). float32 and float64 rows add their exponentials in {@link #STRIPES} interleaved
 * partial sums (position j into partial {@code j % STRIPES}, the partials added in order at the end) on every path,
 * scalar and vector: one sequential sum is a chain of dependent additions that cost more than the rest of the row;
 * float16 and bfloat16 keep MXNet's sequential sum, whose per-addition rounding is visible at their precision.
 */
final class SoftmaxKernel {
    private static final boolean SAFE_ACCUMULATION = "1".equals(System.getenv("MXNET_SAFE_ACCUMULATION"))
            || "true".equalsIgnoreCase(System.getenv("MXNET_SAFE_ACCUMULATION"));

    /** How many interleaved partial sums a float32 or float64 row adds its exponentials into. */
    static final int STRIPES = 8;

    /** Whether contiguous float32 rows run on the Vector API ({@link VectorSoftmaxRow}). */
    static final boolean VECTOR = VectorSupport.isAvailable();

    private SoftmaxKernel() {
    }

    /**
     * Writes the (log-)softmax of {@code in} along {@code rows} into {@code out}.
     *
     * @param negate  softmin: use {@code -x}
     * @param lengths per-row valid lengths, or null for full rows
     * @param where   the op, for error messages
     */
    static void run(NDArray in, NDArray out, Rows rows, double temperature, boolean negate, boolean log,
                    long[] lengths, NNOp where) {
        int m = rows.length();
        if (m == 0 || rows.count() == 0) {
            return;
        }
        if (lengths != null) {
            for (int r = 0; r < lengths.length; r++) {
                if (lengths[r] < 0 || lengths[r] > m) {
                    throw where.error("input 'length' holds " + lengths[r] + " at position " + r
                            + ", outside [0, " + m + "] (the size of the softmax axis)");
                }
            }
        }
        Precision p = Precision.of(in.dtype(), temperature);
        int stride = rows.inner();
        if (in.dtype() == DType.FLOAT32 && stride == 1 && in.data() instanceof float[] x
                && out.data() instanceof float[] y) {
            float tempF = (float) p.temp();
            Parallel.forRange(rows.count(), rows.grain(), (from, to) -> {
                for (int r = from; r < to; r++) {
                    floatRow(x, y, rows.base(r), m, lengths == null ? m : (int) lengths[r], tempF, negate, log,
                            VECTOR);
                }
            });
            return;
        }
        Parallel.forRange(rows.count(), rows.grain(), (from, to) -> {
            double[] buf = new double[m];
            for (int r = from; r < to; r++) {
                int base = rows.base(r);
                int len = lengths == null ? m : (int) lengths[r];
                Rows.gather(in, base, stride, m, buf, 0);
                row(buf, len, p.temp(), negate, log, p.shift(), p.acc(), p.wide(), p.striped());
                Rows.scatter(buf, 0, out, base, stride, m);
            }
        });
    }

    /**
     * The rounding of one dtype: how shifted logits round ({@code shift}), how the running sum and results round
     * ({@code acc}), whether exponentials stay in double ({@code wide}), the temperature rounded like a logit, and
     * whether the sum is {@link #STRIPES striped} (float32 and float64) rather than sequential.
     */
    record Precision(DoubleUnaryOperator shift, DoubleUnaryOperator acc, boolean wide, double temp, boolean striped) {
        static Precision of(DType t, double temperature) {
            DoubleUnaryOperator shift = t == DType.FLOAT64 ? v -> v : v -> Casting.roundTo(t, v);
            DoubleUnaryOperator acc = switch (t) {
                case FLOAT64, FLOAT32 -> v -> v;
                default -> SAFE_ACCUMULATION ? v -> (float) v : v -> Casting.roundTo(t, v);
            };
            return new Precision(shift, acc, t == DType.FLOAT64, shift.applyAsDouble(temperature),
                    t == DType.FLOAT64 || t == DType.FLOAT32);
        }
    }

    /** The (log-)softmax of one full row {@code buf[0, n)} in place, before rounding to the output dtype. */
    static void row(double[] buf, int n, Precision p, boolean negate, boolean log) {
        row(buf, n, p.temp(), negate, log, p.shift(), p.acc(), p.wide(), p.striped());
    }

    /**
     * {@link #row} for a contiguous float32 row, reading {@code x} and writing {@code y} (which may be {@code x})
     * directly: the same roundings in the same order, so bitwise the same results, without the double buffer; on
     * {@link VectorSoftmaxRow} when {@code vector} (which needs the Vector API).
     */
    static void floatRow(float[] x, float[] y, int base, int m, int len, float temp, boolean negate, boolean log,
                         boolean vector) {
        float sign = negate ? -1f : 1f;
        if (vector) {
            VectorSoftmaxRow.row(x, y, base, m, len, temp, sign, log);
            return;
        }
        float max = rowMax(x, base, len, sign);
        double[] partial = new double[STRIPES];
        exponentiate(x, y, base, 0, len, max, temp, sign, log, partial);
        finish(y, base, 0, m, len, total(partial), log);
    }

    /**
     * Writes the shifted (and divided by {@code temp}) logits of positions {@code [from, len)} into {@code y}, or
     * their exponentials unless {@code log}, and adds each exponential to its {@link #STRIPES stripe}'s partial sum.
     */
    static void exponentiate(float[] x, float[] y, int base, int from, int len, float max, float temp, float sign,
                             boolean log, double[] partial) {
        for (int j = from; j < len; j++) {
            float d = sign * x[base + j] - max;
            if (temp != 1f) {
                d = d / temp;
            }
            float e = SoftmaxExp.exp(d);
            y[base + j] = log ? d : e;
            partial[j % STRIPES] += e;
        }
    }

    /** The row's sum: the {@link #STRIPES} partial sums added in order. */
    static double total(double[] partial) {
        double sum = partial[0];
        for (int q = 1; q < STRIPES; q++) {
            sum += partial[q];
        }
        return sum;
    }

    /**
     * Ends a row: log-softmax subtracts {@code log(sum)} from every position; softmax scales positions
     * {@code [divided, len)} by {@code 1 / sum} in double precision (those before are done; a product rounds to the
     * float the quotient would, short of a double-rounding tie, and a division costs ten times as much); positions
     * from {@code len} to {@code m} become 0.
     */
    static void finish(float[] y, int base, int divided, int m, int len, double sum, boolean log) {
        if (log) {
            float logSum = (float) Math.log(sum);
            for (int j = 0; j < len; j++) {
                y[base + j] -= logSum;
            }
        } else {
            double inverse = 1.0 / sum;
            for (int j = divided; j < len; j++) {
                y[base + j] = (float) (y[base + j] * inverse);
            }
        }
        for (int j = len; j < m; j++) {
            y[base + j] = 0f;
        }
    }

    /**
     * The maximum of {@code sign * x[base, base + len)} as the scalar row finds it: a NaN first element stays, later
     * NaNs are skipped, and of equal values (+0 and -0) the first wins; 0 for an empty row.
     */
    static float rowMax(float[] x, int base, int len, float sign) {
        float max = len > 0 ? sign * x[base] : 0f;
        for (int j = 1; j < len; j++) {
            float v = sign * x[base + j];
            if (max < v) {
                max = v;
            }
        }
        return max;
    }

    private static void row(double[] buf, int len, double temp, boolean negate, boolean log,
                            DoubleUnaryOperator shift, DoubleUnaryOperator acc, boolean wide, boolean striped) {
        if (negate) {
            for (int j = 0; j < len; j++) {
                buf[j] = -buf[j];
            }
        }
        double max = len > 0 ? buf[0] : 0;
        for (int j = 1; j < len; j++) {
            if (max < buf[j]) {
                max = buf[j];
            }
        }
        double sum = 0;
        double[] partial = new double[STRIPES];
        for (int j = 0; j < len; j++) {
            double d = shift.applyAsDouble(buf[j] - max);
            if (temp != 1.0) {
                d = shift.applyAsDouble(d / temp);
            }
            buf[j] = d;
            if (striped) {
                partial[j % STRIPES] += exp(d, wide, true); // acc is the identity for the striped dtypes
            } else {
                sum = acc.applyAsDouble(sum + exp(d, wide, false));
            }
        }
        if (striped) {
            sum = total(partial);
        }
        if (log) {
            double logSum = wide ? Math.log(sum) : (float) Math.log(sum);
            for (int j = 0; j < len; j++) {
                buf[j] = buf[j] - logSum;
            }
        } else {
            for (int j = 0; j < len; j++) {
                buf[j] = acc.applyAsDouble(exp(buf[j], wide, striped) / sum);
            }
        }
        for (int j = len; j < buf.length; j++) {
            buf[j] = 0;
        }
    }

    /**
     * {@code exp(d)}: in double for float64 data; {@link SoftmaxExp} for float32 ({@code float32}: striped and not
     * wide), as the contiguous float32 rows compute it; else rounded to float (MXNet calls expf on float data).
     */
    private static double exp(double d, boolean wide, boolean float32) {
        return wide ? Math.exp(d) : float32 ? SoftmaxExp.exp((float) d) : (float) Math.exp(d);
    }
}
