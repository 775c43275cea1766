package dev.kiln.op.nn;

import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The float32 LayerNorm row on the Vector API gives bitwise the row the op computes on a widened copy, rounded, for
 * rows of one and several stripe blocks, offset and scaled data, and in place.
 */
class VectorLayerNormRowTest {
    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }

    @Test
    void floatRowsAreBitwiseTheWidenedRowRounded() {
        assumeTrue(VectorSupport.isAvailable() && VectorLayerNormRow.fits(16),
                "the Vector API is not enabled in this JVM, or its double vectors do not have 8 lanes");
        Random r = new Random(41);
        RowKernels.LayerNorm ln = new RowKernels.LayerNorm(1, 1e-5f);
        for (int m : new int[] {16, 64, 96, 768}) {
            assertThat(ln.takesFloatRow(m)).as("takes %d", m).isTrue();
            double[] gamma = new double[m];
            double[] beta = new double[m];
            for (int j = 0; j < m; j++) {
                gamma[j] = (float) r.nextGaussian();
                beta[j] = (float) r.nextGaussian();
            }
            for (double scale : new double[] {1e-3, 1, 250}) {
                float[] x = new float[m];
                double[] widened = new double[m];
                float[] expected = new float[m];
                for (int j = 0; j < m; j++) {
                    x[j] = (float) (r.nextGaussian() * scale + 40 * scale);
                    widened[j] = x[j];
                }
                ln.row(widened, m, gamma, beta);
                for (int j = 0; j < m; j++) {
                    expected[j] = (float) widened[j];
                }
                float[] y = new float[m];
                ln.floatRow(x, y, m, gamma, beta);
                assertThat(bits(y)).as("m %d scale %s", m, scale).containsExactly(bits(expected));
                ln.floatRow(x, x, m, gamma, beta);
                assertThat(bits(x)).as("in place, m %d scale %s", m, scale).containsExactly(bits(expected));
            }
        }
    }

    @Test
    void rowsOffTheStripeCountAreNotTaken() {
        RowKernels.LayerNorm ln = new RowKernels.LayerNorm(1, 1e-5f);
        assertThat(ln.takesFloatRow(0)).isFalse();
        assertThat(ln.takesFloatRow(8)).isFalse();
        assertThat(ln.takesFloatRow(100)).isFalse();
    }
}
