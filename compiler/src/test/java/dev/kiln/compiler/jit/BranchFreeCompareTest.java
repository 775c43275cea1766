package dev.kiln.compiler.jit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BranchFreeCompareTest {
    private static final float[] FLOATS = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.intBitsToFloat(0xffc00001), 3.5f, 3.5000002f, 1e-40f, -2e-40f};
    private static final double[] DOUBLES = {0.0, -0.0, 1.0, -1.0, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.NaN, Double.longBitsToDouble(0xfff8000000000001L), 3.5, Math.nextUp(3.5), 1e-310, -2e-310};

    @Test
    void floatComparisonsMatchJavaOperatorsOnEdgeValues() {
        for (float a : FLOATS) {
            for (float b : FLOATS) {
                assertEquals(a > b ? 1f : 0f, BranchFreeCompare.greater(a, b), a + " > " + b);
                assertEquals(a < b ? 1f : 0f, BranchFreeCompare.lesser(a, b), a + " < " + b);
            }
        }
    }

    @Test
    void doubleComparisonsMatchJavaOperatorsOnEdgeValues() {
        for (double a : DOUBLES) {
            for (double b : DOUBLES) {
                assertEquals(a > b ? 1.0 : 0.0, BranchFreeCompare.greater(a, b), a + " > " + b);
                assertEquals(a < b ? 1.0 : 0.0, BranchFreeCompare.lesser(a, b), a + " < " + b);
            }
        }
    }
}
