package dev.kiln.op.elementwise;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

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
 * {@link FastErf#onePlusErf} on Vector API double lanes, inside the float32 GELU loop that uses it: the same
 * polynomials, multiply-adds and branches (as lane blends), so each lane equals the scalar result except where the
 * lanes' exponential (within an ulp of double, as {@link Math#exp}) differs from {@code Math.exp} in the last bit.
 * The loop and the lanes are one method, and the multiply-adds are written as vector method calls, on purpose: a
 * vector passed to or returned from a call that HotSpot does not inline is boxed on the heap, and helper methods
 * here (the lane code as one function, or a static {@code fma} helper) were not inlined, which made GELU three to
 * ten times slower. Only loaded when the Vector API is available.
 */
public final class VectorFastErf {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    private VectorFastErf() {
    }

    /**
     * float32 GELU, {@code y[yo + i] = 0.5 * a * (1 + erf(a / sqrt2))} with {@code a = x[xo + i]}, for
     * {@code i < n}: floats widened to double lanes, each result rounded to float as the scalar formula rounds it;
     * the last partial vector runs the scalar formula. {@code y} may be {@code x} at the same offset.
     */
    public static void gelu(float[] x, int xo, float[] y, int yo, int n, double sqrt2) {
        int bound = n - n % L;
        for (int i = 0; i < bound; i += L) {
            DoubleVector a = (DoubleVector) FloatVector.fromArray(F, x, xo + i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector u = a.div(sqrt2);
            DoubleVector s = u.mul(u);
            DoubleVector s2 = s.mul(s);
            DoubleVector s4 = s2.mul(s2);
            // Estrin's scheme as in FastErf; fma(b, c) is a * b + c with one rounding, as Math.fma
            DoubleVector poly = s.fma(P7, P6).fma(s2, s.fma(P5, P4)).fma(s4, s.fma(P3, P2).fma(s2, s.fma(P1, P0)));
            DoubleVector onePlusErf = u.mul(poly).add(1.0);
            DoubleVector au = u.abs();
            VectorMask<Double> isSmall = au.lt(1.0);
            if (!isSmall.allTrue()) {
                DoubleVector t = au.mul(0.5).add(1.0);
                t = t.broadcast(1.0).div(t);
                DoubleVector z = t.sub(T_MID).mul(T_SCALE);
                DoubleVector z2 = z.mul(z);
                DoubleVector z4 = z2.mul(z2);
                DoubleVector q0 = z.fma(Q3, Q2).fma(z2, z.fma(Q1, Q0));
                DoubleVector q1 = z.fma(Q7, Q6).fma(z2, z.fma(Q5, Q4));
                DoubleVector q2 = z.fma(Q11, Q10).fma(z2, z.fma(Q9, Q8));
                DoubleVector q = q2.fma(z4, q1).fma(z4, q0);
                DoubleVector e = t.mul(au.neg().mul(au).lanewise(VectorOperators.EXP)).mul(q);
                // past |u| = 1 the sign decides: erfc(|u|) for u < 0, 2 - erfc(|u|) for u > 0
                VectorMask<Double> negative = u.compare(VectorOperators.LT, 0.0);
                DoubleVector tail = e.mul(-2.0).add(2.0).add(e).blend(e, negative);
                VectorMask<Double> beyond = au.compare(VectorOperators.LT, FastErf.TAIL_END).not();
                if (beyond.anyTrue()) {
                    DoubleVector limit = u.broadcast(2.0).blend(u.broadcast(0.0), negative)
                            .blend(u, u.compare(VectorOperators.NE, u));
                    tail = tail.blend(limit, beyond);
                }
                onePlusErf = tail.blend(onePlusErf, isSmall);
            }
            DoubleVector g = a.mul(0.5).mul(onePlusErf);
            ((FloatVector) g.convertShape(VectorOperators.D2F, F, 0)).intoArray(y, yo + i);
        }
        for (int i = bound; i < n; i++) {
            float a = x[xo + i];
            y[yo + i] = (float) (0.5 * a * FastErf.onePlusErf(a / sqrt2));
        }
    }
}
