package dev.kiln.op.elementwise;

import dev.kiln.op.ScalarForm;

import static dev.kiln.op.ScalarForm.Fn.ADD;
import static dev.kiln.op.ScalarForm.Fn.DIV;
import static dev.kiln.op.ScalarForm.Fn.EXP;
import static dev.kiln.op.ScalarForm.Fn.LT;
import static dev.kiln.op.ScalarForm.Fn.MUL;
import static dev.kiln.op.ScalarForm.Fn.NEG;
import static dev.kiln.op.ScalarForm.Fn.SELECT;
import static dev.kiln.op.ScalarForm.Fn.SUB;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * {@code 1 + erf(u)} to about 5e-10 relative, in double arithmetic with at most one {@link Math#exp}: far more than
 * float32 data needs and many times cheaper than 1 + {@link SpecialFunctions#erf} (a series or a continued
 * fraction), so float32 GELU uses it. Below |u| = 1 it is {@code 1 + u P(u^2)}, no exponential (most GELU inputs
 * land there). Beyond, {@code erfc(|u|) = t exp(-u^2) Q(t)} with {@code t = 1 / (1 + |u|/2)}, and
 * {@code 1 + erf(u)} is {@code 2 - erfc(|u|)} for positive u and {@code erfc(|u|)} for negative u, chosen by the
 * sign bit without a branch; the latter keeps its relative accuracy where it is tiny. Past 10 erfc is below the
 * smallest float. P and Q are least-squares fits made for Kiln (P of degree 7 in {@code u^2}; Q of degree 11 over
 * {@code [0, 10]}, which also serves below 1).
 */
public final class FastErf {
    /** erf(u) / u as a polynomial in u^2 on [0, 1] (a degree-7 fit, 4e-11 relative), lowest degree first. */
    static final double P0 = 1.1283791670623606, P1 = -0.37612638475991683, P2 = 0.11283782622069767,
            P3 = -0.026865438310925638, P4 = 0.005221053413694406, P5 = -0.0008484396568492618,
            P6 = 0.00011268254036026356, P7 = -9.673591257115574e-06;
    /** erfc(u) exp(u^2) / t on u in [0, 10] as a polynomial in (t - 7/12) * 12/5, lowest degree first. */
    static final double Q0 = 0.5720119758419786, Q1 = 0.32622251983342215, Q2 = 0.10202977720634353,
            Q3 = 0.0059624190951849555, Q4 = -0.006154070196825825, Q5 = -0.000617343663550418,
            Q6 = 0.000595888789186081, Q7 = -7.414543303535945e-07, Q8 = -6.566868007257567e-05,
            Q9 = 1.2210700835228864e-05, Q10 = 5.075348044790007e-06, Q11 = -2.042821614141746e-06;
    static final double T_MID = 7.0 / 12.0;
    static final double T_SCALE = 12.0 / 5.0;
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
        if (!(au < TAIL_END)) {
            return Double.isNaN(u) ? u : u > 0 ? 2.0 : 0.0;
        }
        double e = erfc(au);
        // 1 for u >= +0, 0 for u <= -0: the sign bit picks erfc(|u|) or 2 - erfc(|u|) without a branch
        double positive = 1 - (Double.doubleToRawLongBits(u) >>> 63);
        return positive * (2.0 - 2.0 * e) + e;
    }

    /**
     * The same approximation as a {@link ScalarForm} (Horner's scheme, no fma), for devices that have no erf:
     * {@code erf(u)} for {@code |u| < 1}.
     */
    public static ScalarForm erfOfSmallForm(ScalarForm u) {
        ScalarForm s = call(MUL, u, u);
        return call(MUL, u, horner(s, P0, P1, P2, P3, P4, P5, P6, P7));
    }

    /** {@code erfc(t)} for {@code t >= 0} (not NaN) as a {@link ScalarForm}, as {@link #erfOfSmallForm}. */
    public static ScalarForm erfcOfNonNegativeForm(ScalarForm t) {
        ScalarForm r = call(DIV, c(1), call(ADD, c(1), call(MUL, c(0.5), t)));
        ScalarForm x = call(MUL, call(SUB, r, c(T_MID)), c(T_SCALE));
        ScalarForm tail = call(MUL, call(MUL, r, call(EXP, call(NEG, call(MUL, t, t)))),
                horner(x, Q0, Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8, Q9, Q10, Q11));
        return call(SELECT, call(LT, t, c(1)), call(SUB, c(1), erfOfSmallForm(t)),
                call(SELECT, call(LT, t, c(TAIL_END)), tail, c(0)));
    }

    /** {@code sum_k coefficients[k] x^k} by Horner's scheme. */
    private static ScalarForm horner(ScalarForm x, double... coefficients) {
        ScalarForm acc = c(coefficients[coefficients.length - 1]);
        for (int k = coefficients.length - 2; k >= 0; k--) {
            acc = call(ADD, call(MUL, acc, x), c(coefficients[k]));
        }
        return acc;
    }

    /** erf(u) / u for {@code s = u^2} in [0, 1], by Estrin's scheme. */
    private static double small(double s) {
        double s2 = s * s;
        double s4 = s2 * s2;
        return Math.fma(Math.fma(Math.fma(P7, s, P6), s2, Math.fma(P5, s, P4)), s4,
                Math.fma(Math.fma(P3, s, P2), s2, Math.fma(P1, s, P0)));
    }

    /** erfc(u) for u in [0, 10), Q by Estrin's scheme (a dependency chain of five multiply-adds, not eleven). */
    private static double erfc(double u) {
        double t = 1.0 / (1.0 + 0.5 * u);
        double x = (t - T_MID) * T_SCALE;
        double x2 = x * x;
        double x4 = x2 * x2;
        double q0 = Math.fma(Math.fma(Q3, x, Q2), x2, Math.fma(Q1, x, Q0));
        double q1 = Math.fma(Math.fma(Q7, x, Q6), x2, Math.fma(Q5, x, Q4));
        double q2 = Math.fma(Math.fma(Q11, x, Q10), x2, Math.fma(Q9, x, Q8));
        return t * Math.exp(-u * u) * Math.fma(Math.fma(q2, x4, q1), x4, q0);
    }
}
