package dev.kiln.kernel.simd;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class VectorSumsTest {
    private static final int[] LENGTHS = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 196, 784, 1000};

    @Test
    void sumsOfEveryLengthAndOffsetAgreeWithAScalarDoubleLoop() {
        assumeTrue(VectorSupport.isAvailable(), "Vector API not enabled");
        Random r = new Random(3);
        for (int len : LENGTHS) {
            for (int from : new int[] {0, 1, 5}) {
                float[] x = new float[from + len + 3];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (r.nextGaussian() * 3 + 1);
                }
                x[from + len] = Float.NaN; // just past the run: must not be read
                double plain = 0;
                double squares = 0;
                for (int i = from; i < from + len; i++) {
                    plain += x[i];
                    squares += (x[i] - 0.75) * (x[i] - 0.75);
                }
                double scale = 1e-13 * (1 + squares);
                assertThat(VectorSums.sum(x, from, len)).as("sum, len %d from %d", len, from)
                        .isCloseTo(plain, within(scale));
                double[] sums = {1, 2};
                VectorSums.shiftedSums(x, from, len, 0.75, sums);
                assertThat(sums[0]).as("shifted sum, len %d from %d", len, from)
                        .isCloseTo(1 + plain - 0.75 * len, within(scale));
                assertThat(sums[1]).as("squares, len %d from %d", len, from).isCloseTo(2 + squares, within(scale));
            }
        }
    }

    @Test
    void gradientSumsOfEveryLengthAgreeWithAScalarDoubleLoop() {
        assumeTrue(VectorSupport.isAvailable(), "Vector API not enabled");
        Random r = new Random(4);
        for (int len : LENGTHS) {
            float[] og = new float[len + 2];
            float[] x = new float[len + 2];
            for (int i = 0; i < og.length; i++) {
                og[i] = (float) r.nextGaussian();
                x[i] = (float) (r.nextGaussian() * 2 - 0.5);
            }
            double mean = -0.4;
            double invStd = 0.6;
            double o = 0;
            double p = 0;
            for (int i = 1; i < 1 + len; i++) {
                o += og[i];
                p += og[i] * ((x[i] - mean) * invStd);
            }
            double[] sums = {10, 20};
            VectorSums.gradientSums(og, x, 1, len, mean, invStd, sums);
            assertThat(sums[0]).as("sum(og), len %d", len).isCloseTo(10 + o, within(1e-12));
            assertThat(sums[1]).as("sum(og * xhat), len %d", len).isCloseTo(20 + p, within(1e-12));
        }
    }
}
