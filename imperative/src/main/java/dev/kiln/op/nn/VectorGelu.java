package dev.kiln.op.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import static dev.kiln.op.nn.GeluKernel.A_END;
import static dev.kiln.op.nn.SoftmaxExp.C2;
import static dev.kiln.op.nn.SoftmaxExp.C3;
import static dev.kiln.op.nn.SoftmaxExp.C4;
import static dev.kiln.op.nn.SoftmaxExp.C5;
import static dev.kiln.op.nn.SoftmaxExp.C6;
import static dev.kiln.op.nn.SoftmaxExp.C7;
import static dev.kiln.op.nn.SoftmaxExp.LN2_HI;
import static dev.kiln.op.nn.SoftmaxExp.LN2_LO;
import static dev.kiln.op.nn.SoftmaxExp.LOG2E;
import static dev.kiln.op.nn.SoftmaxExp.ROUND;

/**
 * {@link GeluKernel#gelu} on float lanes, operation for operation, so every lane has the scalar form's bits; each
 * lane's polynomial coefficients come from a vector holding all intervals' by a permute. Needs 16 float lanes (the
 * intervals) and runs the scalar form otherwise and for the last partial vector. The lane code sits in the loop on
 * purpose: a vector passed to or returned from a call that HotSpot does not inline is boxed on the heap. Only loaded
 * when the Vector API is available.
 */
final class VectorGelu {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    private VectorGelu() {
    }

    /** {@code y[yo + i] = gelu(x[xo + i])} for {@code i < n}; {@code y} may be {@code x} at the same offset. */
    static void gelu(float[] x, int xo, float[] y, int yo, int n) {
        int bound = L == GeluKernel.F0.length ? n - n % L : 0;
        if (bound > 0) {
            FloatVector f0 = FloatVector.fromArray(F, GeluKernel.F0, 0);
            FloatVector f1 = FloatVector.fromArray(F, GeluKernel.F1, 0);
            FloatVector f2 = FloatVector.fromArray(F, GeluKernel.F2, 0);
            FloatVector f3 = FloatVector.fromArray(F, GeluKernel.F3, 0);
            FloatVector f4 = FloatVector.fromArray(F, GeluKernel.F4, 0);
            FloatVector f5 = FloatVector.fromArray(F, GeluKernel.F5, 0);
            FloatVector f6 = FloatVector.fromArray(F, GeluKernel.F6, 0);
            FloatVector f7 = FloatVector.fromArray(F, GeluKernel.F7, 0);
            for (int i = 0; i < bound; i += L) {
                FloatVector a = FloatVector.fromArray(F, x, xo + i);
                FloatVector h = a.mul(0.5f);
                FloatVector abs = a.abs();
                FloatVector ab = abs.min(A_END);
                FloatVector sq = ab.mul(ab);
                FloatVector sqLo = ab.fma(ab, sq.neg());
                FloatVector xs = sq.mul(-0.5f);
                FloatVector k = xs.mul(LOG2E).add(ROUND);
                IntVector e2 = ((IntVector) k.reinterpretAsInts()).sub(ROUND_BITS);
                FloatVector nf = k.sub(ROUND).neg();
                FloatVector r = nf.fma(a.broadcast(LN2_HI), xs);
                r = nf.fma(a.broadcast(LN2_LO), r);
                r = sqLo.fma(a.broadcast(-0.5f), r);
                r = sq.fma(a.broadcast(-GeluKernel.HALF_DELTA), r);
                FloatVector p = r.fma(C7, C6);
                p = p.fma(r, r.broadcast(C5));
                p = p.fma(r, r.broadcast(C4));
                p = p.fma(r, r.broadcast(C3));
                p = p.fma(r, r.broadcast(C2));
                p = p.fma(r, r.broadcast(1f));
                p = p.fma(r, r.broadcast(1f));
                FloatVector jr = ab.sub(0.5f).add(ROUND);
                VectorShuffle<Float> j = ((IntVector) jr.reinterpretAsInts()).sub(ROUND_BITS).and(15).toShuffle()
                        .cast(F);
                FloatVector c = ab.sub(jr.sub(ROUND).add(0.5f));
                FloatVector g = c.fma(f7.rearrange(j), f6.rearrange(j));
                g = g.fma(c, f5.rearrange(j));
                g = g.fma(c, f4.rearrange(j));
                g = g.fma(c, f3.rearrange(j));
                g = g.fma(c, f2.rearrange(j));
                g = g.fma(c, f1.rearrange(j));
                g = g.fma(c, f0.rearrange(j));
                FloatVector m = g.mul(p);
                VectorMask<Float> negative = a.compare(VectorOperators.LT, 0f);
                FloatVector w = m.blend(h.mul(m), negative);
                IntVector half = e2.lanewise(VectorOperators.ASHR, 1);
                FloatVector e = w.mul((FloatVector) half.add(127).lanewise(VectorOperators.LSHL, 23)
                                .reinterpretAsFloats())
                        .mul((FloatVector) e2.sub(half).add(127).lanewise(VectorOperators.LSHL, 23)
                                .reinterpretAsFloats());
                FloatVector out = h.mul(a.broadcast(2f).sub(e)).blend(e, negative);
                VectorMask<Float> beyond = abs.compare(VectorOperators.LT, A_END).not();
                if (beyond.anyTrue()) {
                    out = out.blend(h.mul(a.broadcast(2f).blend(0f, negative)), beyond);
                }
                out.intoArray(y, yo + i);
            }
        }
        for (int i = bound; i < n; i++) {
            y[yo + i] = GeluKernel.gelu(x[xo + i]);
        }
    }
}
