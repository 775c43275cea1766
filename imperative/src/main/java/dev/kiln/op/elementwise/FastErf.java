package dev.kiln.op.elementwise;

/**
 * The error function to about 1e-9 relative, in double arithmetic with at most one {@link Math#exp}: far more than
 * float32 data needs and ten to twenty times cheaper than {@link SpecialFunctions#erf}'s series and continued
 * fraction, so float32 GELU uses it. Below 1, {@code erf(u) = u P(u^2)}; from 1 to 10,
 * {@code erfc(u) = t exp(-u^2) Q(t)} with {@code t = 1 / (1 + u/2)}, so erfc keeps its relative accuracy where
 * {@code 1 + erf(-u)} is tiny; beyond 10 erfc is below the smallest float. P and Q are least-squares fits made for
 * Kiln (P: degree 7 in {@code u^2}, 4e-11; Q: degree 9 in the scaled {@code t}, 3e-10 relative).
 */
public final class FastErf {
    /** erf(u) / u as a polynomial in u^2 on [0, 1], lowest degree first. */
    private static final double[] SMALL = {1.1283791670623606, -0.37612638475991683, 0.11283782622069767,
        -0.026865438310925638, 0.005221053413694406, -0.0008484396568492618, 0.00011268254036026356,
        -9.673591257115574e-06};
    /** erfc(u) exp(u^2) / t on u in [1, 10] as a polynomial in (t - 5/12) / (1/4), lowest degree first. */
    private static final double[] TAIL = {0.4573173113672606, 0.14935282038475436, 0.03224986301196728,
        0.0030452472950691805, -0.00046851170767113313, -0.00013932752640573242, 1.265306172905513e-05,
        6.225093362562169e-06, -6.5549161494653e-07, -2.613714289376964e-07};
    private static final double T_MID = 5.0 / 12.0;
    private static final double T_SCALE = 4.0;
    /** Past this erfc(u) < 2.1e-45, below the smallest float32. */
    static final double TAIL_END = 10.0;

    private FastErf() {
    }

    /** {@code 1 + erf(u)}, relatively accurate also where it is tiny (large negative u); NaN gives NaN. */
    public static double onePlusErf(double u) {
        double au = Math.abs(u);
        if (au < 1.0) {
            return 1.0 + u * small(u * u);
        }
        if (au < TAIL_END) {
            double e = erfcTail(au);
            return u > 0 ? 2.0 - e : e;
        }
        if (Double.isNaN(u)) {
            return u;
        }
        return u > 0 ? 2.0 : 0.0;
    }

    /** erf(u); NaN gives NaN. */
    public static double erf(double u) {
        double au = Math.abs(u);
        if (au < 1.0) {
            return u * small(u * u);
        }
        if (au < TAIL_END) {
            return Math.copySign(1.0 - erfcTail(au), u);
        }
        return Double.isNaN(u) ? u : Math.copySign(1.0, u);
    }

    /** P(s) by Estrin's scheme: a dependency chain of four multiply-adds instead of Horner's seven. */
    private static double small(double s) {
        double s2 = s * s;
        double s4 = s2 * s2;
        double p01 = Math.fma(SMALL[1], s, SMALL[0]);
        double p23 = Math.fma(SMALL[3], s, SMALL[2]);
        double p45 = Math.fma(SMALL[5], s, SMALL[4]);
        double p67 = Math.fma(SMALL[7], s, SMALL[6]);
        return Math.fma(Math.fma(p67, s2, p45), s4, Math.fma(p23, s2, p01));
    }

    /** erfc(u) for u in [1, 10), Q by Estrin's scheme. */
    private static double erfcTail(double u) {
        double t = 1.0 / (1.0 + 0.5 * u);
        double x = (t - T_MID) * T_SCALE;
        double x2 = x * x;
        double x4 = x2 * x2;
        double p01 = Math.fma(TAIL[1], x, TAIL[0]);
        double p23 = Math.fma(TAIL[3], x, TAIL[2]);
        double p45 = Math.fma(TAIL[5], x, TAIL[4]);
        double p67 = Math.fma(TAIL[7], x, TAIL[6]);
        double p89 = Math.fma(TAIL[9], x, TAIL[8]);
        double r = Math.fma(Math.fma(p89, x4, Math.fma(p67, x2, p45)), x4, Math.fma(p23, x2, p01));
        return t * Math.exp(-u * u) * r;
    }
}
