package dev.kiln.compiler.jit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BranchFreeCompareTest {
    /** Edge values of both precisions: zeros, subnormals, extremes, infinities, NaNs, neighbours. */
    private static final double[] VALUES = {0.0, -0.0, 1.0, -1.0, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.NaN, Double.longBitsToDouble(0xfff8000000000001L), 3.5, Math.nextUp(3.5), 1e-310, -2e-310,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 3.5000002f, 1e-40f,
        -2e-40f};

    @Test
    void comparisonsMatchJavaOperatorsOnEdgeValuesInBothPrecisions() {
        for (double a : VALUES) {
            for (double b : VALUES) {
                assertEquals(a > b ? 1.0 : 0.0, BranchFreeCompare.greater(a, b), a + " > " + b);
                assertEquals(a < b ? 1.0 : 0.0, BranchFreeCompare.lesser(a, b), a + " < " + b);
                float fa = (float) a;
                float fb = (float) b;
                assertEquals(fa > fb ? 1f : 0f, BranchFreeCompare.greater(fa, fb), fa + " > " + fb + " (float)");
                assertEquals(fa < fb ? 1f : 0f, BranchFreeCompare.lesser(fa, fb), fa + " < " + fb + " (float)");
            }
        }
    }
}
