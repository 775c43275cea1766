package dev.kiln.op.nn;

import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class VectorRowSumsTest {
    @Test
    void vectorSumsAreBitwiseTheStripedScalarSums() {
        assumeTrue(VectorSupport.isAvailable() && VectorRowSums.fits(16),
                "the Vector API is not enabled in this JVM, or its double vectors have neither 4 nor 8 lanes");
        Random r = new Random(5);
        for (int m : new int[] {16, 32, 48, 256, 768, 1024}) {
            assertThat(VectorRowSums.fits(m)).as("fits %d", m).isTrue();
            double[] buf = new double[m];
            for (int j = 0; j < m; j++) {
                buf[j] = r.nextGaussian() * 3 + 1;
            }
            for (double mu : new double[] {0, 1.25, -7.5}) {
                for (boolean square : new boolean[] {false, true}) {
                    assertThat(Double.doubleToRawLongBits(VectorRowSums.sum(buf, m, mu, square)))
                            .as("m %d mu %s square %s", m, mu, square)
                            .isEqualTo(Double.doubleToRawLongBits(RowNorm.stripedSum(buf, m, mu, square)));
                }
            }
        }
    }

    @Test
    void stripedSumIsWithinRoundingOfTheExactSum() {
        Random r = new Random(6);
        for (int m : new int[] {1, 7, 16, 203, 256}) {
            double[] buf = new double[m];
            for (int j = 0; j < m; j++) {
                buf[j] = r.nextGaussian() * 100;
            }
            double mu = 3.5;
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal squares = BigDecimal.ZERO;
            for (double v : buf) {
                BigDecimal d = new BigDecimal(v).subtract(new BigDecimal(mu));
                sum = sum.add(d);
                squares = squares.add(d.multiply(d));
            }
            assertThat(RowNorm.stripedSum(buf, m, mu, false)).isCloseTo(sum.doubleValue(),
                    org.assertj.core.data.Offset.offset(1e-12 * m * 100));
            assertThat(RowNorm.stripedSum(buf, m, mu, true))
                    .isCloseTo(squares.doubleValue(), org.assertj.core.data.Percentage.withPercentage(1e-12));
            assertThat(RowNorm.sum(buf, m, mu, true)).isEqualTo(RowNorm.stripedSum(buf, m, mu, true));
        }
    }

    @Test
    void rowsOffTheStripeCountAreLeftToTheScalarLoop() {
        assertThat(VectorRowSums.fits(0)).isFalse();
        assertThat(VectorRowSums.fits(17)).isFalse();
        assertThat(VectorRowSums.fits(8)).isFalse();
    }
}
