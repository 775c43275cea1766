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

    /**
     * Whether {@link #blockTile} reduces several lanes at once (else callers reduce lane by lane): the plain pairwise
     * sums, {@link #SUM} and {@link #MEAN}.
     */
    boolean hasTileForm() {
        return this == SUM || this == MEAN;
    }

    /**
     * {@link #block} of {@code w} lanes at once, from a tile that holds element {@code i} of lane {@code k} at
     * {@code tile[i * w + k]}, into {@code out[0, w)}; each lane's partial is bitwise its {@link #block} (lane by
     * lane where there is no {@link #hasTileForm tile form}). The pairwise sums run every lane's additions side by
     * side: lane by lane, each sum of up to 32 values is one chain of dependent additions, which bounds a reduction
     * over a leading axis (a bias gradient's sum over the batch) by the adder's latency rather than its throughput.
     */
    void blockTile(double[] tile, int n, int w, double[] out) {
        if (hasTileForm()) {
            pairwiseSumTile(tile, n, w, out);
            return;
        }
        double[] lane = new double[n];
        for (int k = 0; k < w; k++) {
            for (int i = 0; i < n; i++) {
                lane[i] = tile[i * w + k];
            }
            out[k] = block(lane, n);
        }
    }

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

    /**
     * {@link #pairwiseSum} of each of {@code w} lanes of a position-major tile ({@link #blockTile}), the same
     * additions in the same order per lane.
     */
    static void pairwiseSumTile(double[] tile, int n, int w, double[] out) {
        int depth = 1;
        for (int len = n; len > 32; len -= len >>> 1) {
            depth++;
        }
        pairwiseSumTile(tile, 0, n, w, out, 0, new double[2 * w * depth], 0);
    }

    /** One node of the pairwise recursion for all lanes: the result to {@code out[outAt, outAt + w)}. */
    private static void pairwiseSumTile(double[] tile, int from, int n, int w, double[] out, int outAt,
                                        double[] scratch, int level) {
        if (n <= 32) {
            int k = 0;
            // eight lanes' chains in registers at a time: independent additions the core overlaps
            for (; k + 8 <= w; k += 8) {
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                double s4 = 0;
                double s5 = 0;
                double s6 = 0;
                double s7 = 0;
                for (int i = from, at = from * w + k; i < from + n; i++, at += w) {
                    s0 += tile[at];
                    s1 += tile[at + 1];
                    s2 += tile[at + 2];
                    s3 += tile[at + 3];
                    s4 += tile[at + 4];
                    s5 += tile[at + 5];
                    s6 += tile[at + 6];
                    s7 += tile[at + 7];
                }
                out[outAt + k] = s0;
                out[outAt + k + 1] = s1;
                out[outAt + k + 2] = s2;
                out[outAt + k + 3] = s3;
                out[outAt + k + 4] = s4;
                out[outAt + k + 5] = s5;
                out[outAt + k + 6] = s6;
                out[outAt + k + 7] = s7;
            }
            for (; k < w; k++) {
                double s = 0;
                for (int i = from, at = from * w + k; i < from + n; i++, at += w) {
                    s += tile[at];
                }
                out[outAt + k] = s;
            }
            return;
        }
        int half = n >>> 1;
        int left = level * 2 * w;
        pairwiseSumTile(tile, from, half, w, scratch, left, scratch, level + 1);
        pairwiseSumTile(tile, from + half, n - half, w, scratch, left + w, scratch, level + 1);
        for (int k = 0; k < w; k++) {
            out[outAt + k] = scratch[left + k] + scratch[left + w + k];
        }
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
