package dev.kiln.op.reduce;

/**
 * The floating-point math of each reduction, applied to one lane in blocks: {@link #block} reduces up to
 * {@link LaneReducer#BLOCK} gathered values to a partial, {@link #combine} merges a lane's partials in order, and
 * {@link #finish} turns the result into the output value. Sums are pairwise in double precision, so float32 sums are
 * accurate and, because blocks are fixed, the result never depends on how many threads ran.
 */
public enum LaneMath {
    SUM {
        @Override
        double block(double[] v, int n) {
            return pairwiseSum(v, 0, n);
        }
    },
    MEAN {
        @Override
        double block(double[] v, int n) {
            return pairwiseSum(v, 0, n);
        }

        @Override
        double finish(double combined, int laneLength) {
            return combined / laneLength;
        }

        @Override
        double empty() {
            return Double.NaN;
        }
    },
    NANSUM {
        @Override
        double block(double[] v, int n) {
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(v[i])) {
                    v[i] = 0;
                }
            }
            return pairwiseSum(v, 0, n);
        }
    },
    PROD {
        @Override
        double block(double[] v, int n) {
            double p = 1;
            for (int i = 0; i < n; i++) {
                p *= v[i];
            }
            return p;
        }

        @Override
        double combine(double[] p, int n) {
            return block(p, n);
        }

        @Override
        double empty() {
            return 1;
        }
    },
    NANPROD {
        @Override
        double block(double[] v, int n) {
            double p = 1;
            for (int i = 0; i < n; i++) {
                if (!Double.isNaN(v[i])) {
                    p *= v[i];
                }
            }
            return p;
        }

        @Override
        double combine(double[] p, int n) {
            return PROD.block(p, n);
        }

        @Override
        double empty() {
            return 1;
        }
    },
    /** NaN wins, as in mshadow's maximum reducer. */
    MAX {
        @Override
        double block(double[] v, int n) {
            double m = v[0];
            for (int i = 1; i < n && !Double.isNaN(m); i++) {
                if (!(m >= v[i])) {
                    m = v[i];
                }
            }
            return m;
        }

        @Override
        double combine(double[] p, int n) {
            return block(p, n);
        }
    },
    MIN {
        @Override
        double block(double[] v, int n) {
            double m = v[0];
            for (int i = 1; i < n && !Double.isNaN(m); i++) {
                if (!(m <= v[i])) {
                    m = v[i];
                }
            }
            return m;
        }

        @Override
        double combine(double[] p, int n) {
            return block(p, n);
        }
    },
    /** Sum of absolute values ({@code norm} with {@code ord=1}). */
    NORM1 {
        @Override
        double block(double[] v, int n) {
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            return pairwiseSum(v, 0, n);
        }
    },
    /** Euclidean norm, scaled by the largest magnitude so that huge or tiny values neither overflow nor vanish. */
    NORM2 {
        @Override
        double block(double[] v, int n) {
            double scale = 0;
            for (int i = 0; i < n; i++) {
                double a = Math.abs(v[i]);
                if (a > scale || Double.isNaN(a)) {
                    scale = a;
                }
            }
            if (scale == 0 || Double.isInfinite(scale) || Double.isNaN(scale)) {
                return scale;
            }
            for (int i = 0; i < n; i++) {
                double s = v[i] / scale;
                v[i] = s * s;
            }
            return scale * Math.sqrt(pairwiseSum(v, 0, n));
        }

        @Override
        double combine(double[] p, int n) {
            return block(p, n);
        }
    },
    /** {@code log(sum(exp(x)))}, shifted by the lane maximum so that it never overflows. */
    LOGSUMEXP {
        @Override
        double block(double[] v, int n) {
            double m = MAX.block(v, n);
            if (Double.isNaN(m) || Double.isInfinite(m)) {
                return m;
            }
            for (int i = 0; i < n; i++) {
                v[i] = Math.exp(v[i] - m);
            }
            return m + Math.log(pairwiseSum(v, 0, n));
        }

        @Override
        double combine(double[] p, int n) {
            return block(p, n);
        }

        @Override
        double empty() {
            return Double.NEGATIVE_INFINITY;
        }
    };

    /**
     * One lane {@code v[0, n)} reduced exactly as {@link LaneReducer#reduce} reduces it (fixed blocks of
     * {@link LaneReducer#BLOCK}, partials combined in order, then finished), for fused kernels that must agree with
     * the reduction ops bit for bit; may overwrite {@code v}.
     */
    public double reduceLane(double[] v, int n) {
        if (n == 0) {
            return empty();
        }
        int blocks = (n + LaneReducer.BLOCK - 1) / LaneReducer.BLOCK;
        if (blocks == 1) {
            return finish(block(v, n), n);
        }
        double[] partials = new double[blocks];
        double[] buf = new double[LaneReducer.BLOCK];
        for (int b = 0; b < blocks; b++) {
            int len = Math.min(LaneReducer.BLOCK, n - b * LaneReducer.BLOCK);
            System.arraycopy(v, b * LaneReducer.BLOCK, buf, 0, len);
            partials[b] = block(buf, len);
        }
        return finish(combine(partials, blocks), n);
    }

    /** Reduces {@code v[0, n)} (n >= 1) to a partial; may overwrite {@code v}. */
    abstract double block(double[] v, int n);

    /** Merges a lane's block partials {@code p[0, n)} in order (n >= 1); may overwrite {@code p}. */
    double combine(double[] p, int n) {
        return pairwiseSum(p, 0, n);
    }

    /** The output value from the combined partials of a lane of {@code laneLength} elements. */
    double finish(double combined, int laneLength) {
        return combined;
    }

    /** The value of a reduction over no elements. */
    double empty() {
        return 0;
    }

    /** Pairwise (cascade) summation: error grows with log(n) rather than n. */
    static double pairwiseSum(double[] v, int from, int n) {
        if (n <= 32) {
            double s = 0;
            for (int i = from; i < from + n; i++) {
                s += v[i];
            }
            return s;
        }
        int half = n >>> 1;
        return pairwiseSum(v, from, half) + pairwiseSum(v, from + half, n - half);
    }
}
