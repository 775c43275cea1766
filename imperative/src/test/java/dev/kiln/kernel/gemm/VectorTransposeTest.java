package dev.kiln.kernel.gemm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VectorTransposeTest {
    @Test
    void transposesASixteenBySixteenBlockBetweenStridedArrays() {
        int ld = 21;
        int dld = 37;
        float[] src = new float[3 + 15 * ld + 16];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        float[] dst = new float[5 + 15 * dld + 16];
        VectorTranspose.transpose(src, 3, ld, dst, 5, dld);
        for (int r = 0; r < 16; r++) {
            for (int j = 0; j < 16; j++) {
                assertThat(dst[5 + j * dld + r]).as("row %d lane %d", r, j).isEqualTo(3 + r * ld + j);
            }
        }
        assertThat(dst[0]).isZero();
        assertThat(dst[5 + 16]).isZero();
    }

    @Test
    void transposesARaggedMatrixWithBlocksAndEdgesAndNothingElse() {
        int rows = 37;
        int cols = 21;
        int ld = 25;
        int dld = 40;
        float[] src = new float[2 + rows * ld];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        float[] dst = new float[1 + cols * dld];
        java.util.Arrays.fill(dst, -1f);
        VectorTranspose.transpose(rows, cols, src, 2, ld, dst, 1, dld);
        for (int j = 0; j < cols; j++) {
            for (int r = 0; r < dld; r++) {
                float expected = r < rows ? 2 + r * ld + j : -1f;
                assertThat(dst[1 + j * dld + r]).as("column %d row %d", j, r).isEqualTo(expected);
            }
        }
        assertThat(dst[0]).isEqualTo(-1f);
    }
}
