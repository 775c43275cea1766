package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link VectorStrideTwo} does what the scalar strided loops do, bit for bit, stops where its loads would leave the
 * array or its vectors pass the end of the range, and never writes an odd element of a summed row.
 */
class VectorStrideTwoTest {

    @Test
    void copiesEverySecondElementAndStopsBeforeTheRangeOrArrayEnds() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed").isTrue();
        int lanes = VectorSupport.floatLanes();
        Random r = new Random(41);
        float[] x = new float[7 + 2 * (3 * lanes + 5)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] col = new float[4 * lanes];
        int end = VectorStrideTwo.copy(x, 7, col, 2, 1, 3 * lanes + 2);
        assertThat(end).as("whole vectors from 1 that end by the range's end").isEqualTo(1 + 3 * lanes);
        for (int g = 1; g < end; g++) {
            assertThat(col[2 + g]).as("element %d", g).isEqualTo(x[7 + 2 * g]);
        }
        // a range reaching the array's end stops where the second load would leave the array
        int last = VectorStrideTwo.copy(x, 7, col, 0, 0, (x.length - 7) / 2);
        assertThat(7 + 2 * (last + lanes)).isGreaterThan(x.length);
        assertThat(7 + 2 * last).isLessThanOrEqualTo(x.length);
    }

    @Test
    void sumsIntoEvenElementsOnlyWithTheScalarRounding() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed").isTrue();
        int lanes = VectorSupport.floatLanes();
        Random r = new Random(42);
        float[] y = new float[3 + 2 * (2 * lanes + 3)];
        float[] col = new float[5 + 2 * lanes + 3];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextGaussian() * 1e3f;
        }
        y[4] = -0f;
        for (int i = 0; i < col.length; i++) {
            col[i] = (float) r.nextGaussian();
        }
        float[] expected = y.clone();
        for (int g = 0; g < 2 * lanes; g++) {
            expected[3 + 2 * g] += col[5 + g];
        }
        int end = VectorStrideTwo.addInto(col, 5, y, 3, 0, 2 * lanes + 1);
        assertThat(end).isEqualTo(2 * lanes);
        for (int i = 0; i < y.length; i++) {
            assertThat(Float.floatToRawIntBits(y[i])).as("element %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
    }
}
