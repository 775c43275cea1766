package dev.kiln.op.elementwise;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.kiln.op.elementwise.FastErf.P0;
import static dev.kiln.op.elementwise.FastErf.P1;
import static dev.kiln.op.elementwise.FastErf.P2;
import static dev.kiln.op.elementwise.FastErf.P3;
import static dev.kiln.op.elementwise.FastErf.P4;
import static dev.kiln.op.elementwise.FastErf.P5;
import static dev.kiln.op.elementwise.FastErf.P6;
import static dev.kiln.op.elementwise.FastErf.P7;
import static dev.kiln.op.elementwise.FastErf.Q0;
import static dev.kiln.op.elementwise.FastErf.Q1;
import static dev.kiln.op.elementwise.FastErf.Q10;
import static dev.kiln.op.elementwise.FastErf.Q11;
import static dev.kiln.op.elementwise.FastErf.Q2;
import static dev.kiln.op.elementwise.FastErf.Q3;
import static dev.kiln.op.elementwise.FastErf.Q4;
import static dev.kiln.op.elementwise.FastErf.Q5;
import static dev.kiln.op.elementwise.FastErf.Q6;
import static dev.kiln.op.elementwise.FastErf.Q7;
import static dev.kiln.op.elementwise.FastErf.Q8;
import static dev.kiln.op.elementwise.FastErf.Q9;
import static dev.kiln.op.elementwise.FastErf.T_MID;
import static dev.kiln.op.elementwise.FastErf.T_SCALE;

/**
 * {@link FastErf#onePlusErf} on Vector API double lanes: the same polynomials, multiply-adds and branches (as lane
 * blends), so each lane equals the scalar result except where the lanes' exponential (within an ulp of double, as
 * {@link Math#exp}) differs from {@code Math.exp} in the last bit. Only loaded when the Vector API is available.
 */
public final class VectorFastErf {
    private VectorFastErf() {
    }

    /** {@code 1 + erf(u)} per lane. */
    public static DoubleVector onePlusErf(DoubleVector u) {
        DoubleVector au = u.abs();
        DoubleVector s = u.mul(u);
        DoubleVector s2 = s.mul(s);
        DoubleVector s4 = s2.mul(s2);
        DoubleVector poly = fma(fma(fma(s, P7, P6), s2, fma(s, P5, P4)), s4, fma(fma(s, P3, P2), s2, fma(s, P1, P0)));
        DoubleVector small = u.mul(poly).add(1.0);
        VectorMask<Double> isSmall = au.lt(1.0);
        if (isSmall.allTrue()) {
            return small;
        }
        DoubleVector t = au.mul(0.5).add(1.0);
        t = t.broadcast(1.0).div(t);
        DoubleVector x = t.sub(T_MID).mul(T_SCALE);
        DoubleVector x2 = x.mul(x);
        DoubleVector x4 = x2.mul(x2);
        DoubleVector q0 = fma(fma(x, Q3, Q2), x2, fma(x, Q1, Q0));
        DoubleVector q1 = fma(fma(x, Q7, Q6), x2, fma(x, Q5, Q4));
        DoubleVector q2 = fma(fma(x, Q11, Q10), x2, fma(x, Q9, Q8));
        DoubleVector q = fma(fma(q2, x4, q1), x4, q0);
        DoubleVector e = t.mul(au.neg().mul(au).lanewise(VectorOperators.EXP)).mul(q);
        // past |u| = 1 the sign decides: erfc(|u|) for u < 0, 2 - erfc(|u|) for u > 0
        VectorMask<Double> negative = u.compare(VectorOperators.LT, 0.0);
        DoubleVector tail = e.mul(-2.0).add(2.0).add(e).blend(e, negative);
        VectorMask<Double> beyond = au.compare(VectorOperators.LT, FastErf.TAIL_END).not();
        if (!beyond.anyTrue()) {
            return tail.blend(small, isSmall);
        }
        DoubleVector limit = u.broadcast(2.0).blend(u.broadcast(0.0), negative)
                .blend(u, u.compare(VectorOperators.NE, u));
        return tail.blend(limit, beyond).blend(small, isSmall);
    }

    /** {@code a * b + c} with one rounding, as {@link Math#fma}. */
    private static DoubleVector fma(DoubleVector a, double b, double c) {
        return a.fma(a.broadcast(b), a.broadcast(c));
    }

    private static DoubleVector fma(DoubleVector a, DoubleVector b, DoubleVector c) {
        return a.fma(b, c);
    }
}
