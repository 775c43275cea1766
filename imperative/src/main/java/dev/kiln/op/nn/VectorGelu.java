package dev.kiln.op.nn;

import dev.kiln.op.elementwise.FastErf;
import dev.kiln.op.elementwise.VectorFastErf;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 GELU, {@code 0.5 * x * (1 + erf(x / sqrt 2))}, over a range of an array on the Vector API: floats widened
 * to double lanes, {@link VectorFastErf} for the error function, each result rounded to float as the scalar
 * formula rounds it; the last partial vector runs the scalar formula. Only loaded when the Vector API is available.
 */
final class VectorGelu {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    private VectorGelu() {
    }

    /** {@code y[yo + i] = gelu(x[xo + i])} for {@code i < n}; {@code y} may be {@code x} at the same offset. */
    static void apply(float[] x, int xo, float[] y, int yo, int n, double sqrt2) {
        int bound = n - n % L;
        for (int i = 0; i < bound; i += L) {
            DoubleVector a = (DoubleVector) FloatVector.fromArray(F, x, xo + i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector g = a.mul(0.5).mul(VectorFastErf.onePlusErf(a.div(sqrt2)));
            ((FloatVector) g.convertShape(VectorOperators.D2F, F, 0)).intoArray(y, yo + i);
        }
        for (int i = bound; i < n; i++) {
            float a = x[xo + i];
            y[yo + i] = (float) (0.5 * a * FastErf.onePlusErf(a / sqrt2));
        }
    }
}
