package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link VectorRowCopy} copies every element of a row, writes nothing before it nor at or past its limit, and copies
 * element by element where a whole last vector would read past the source array.
 */
class VectorRowCopyTest {

    @Test
    void copiesTheRowAndWritesOnlyBelowTheLimit() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        int lanes = VectorSupport.floatLanes();
        float[] src = new float[4 * lanes];
        for (int i = 0; i < src.length; i++) {
            src[i] = i + 1;
        }
        for (int length : new int[] {1, lanes - 2, lanes, lanes + 3, 2 * lanes + 1}) {
            for (int limitPast : new int[] {0, 1, lanes}) {
                float[] dst = new float[8 * lanes];
                Arrays.fill(dst, -1f);
                int to = 3;
                int limit = to + length + limitPast;
                VectorRowCopy.copy(src, 2, dst, to, length, limit);
                for (int i = 0; i < dst.length; i++) {
                    if (i >= to && i < to + length) {
                        assertThat(dst[i]).as("length %d, element %d", length, i).isEqualTo(src[2 + i - to]);
                    } else if (i < to || i >= limit) {
                        assertThat(dst[i]).as("length %d, limit %d, element %d", length, limit, i).isEqualTo(-1f);
                    }
                }
            }
        }
    }

    @Test
    void aRowEndingNearTheSourceEndIsCopiedElementByElement() {
        assumeThat(VectorSupport.isAvailable()).as("the Vector API is needed for this kernel").isTrue();
        int lanes = VectorSupport.floatLanes();
        float[] src = new float[lanes + 3];
        for (int i = 0; i < src.length; i++) {
            src[i] = 10 + i;
        }
        float[] dst = new float[4 * lanes];
        VectorRowCopy.copy(src, lanes - 2, dst, 0, 5, dst.length);
        assertThat(Arrays.copyOf(dst, 5)).containsExactly(Arrays.copyOfRange(src, lanes - 2, lanes + 3));
    }
}
