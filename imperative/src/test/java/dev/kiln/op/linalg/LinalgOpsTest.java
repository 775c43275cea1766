package dev.kiln.op.linalg;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.op.Ops.attrs;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected values were computed offline with NumPy (tensordot, matmul, einsum) on the same ramps. */
class LinalgOpsTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-5;

    /** {@code i * scale + shift} for each row-major position, as float32. */
    static NDArray ramp(double scale, double shift, int... dims) {
        Shape s = Shape.of(dims);
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * scale + shift;
        }
        return NDArray.of(s, DType.FLOAT32, v);
    }

    @Test
    void dotContractsLastAxisOfLhsWithFirstAxisOfRhsForNdInputs() {
        NDArray out = Ops.call("dot", ramp(0.5, -3, 2, 3, 4), ramp(0.25, -1, 4, 5));

        assertThat(out).hasShape(2, 3, 5).isCloseTo(new double[] {-4.75, -7.0, -9.25, -11.5, -13.75, 2.25, 2.0,
                1.75, 1.5, 1.25, 9.25, 11.0, 12.75, 14.5, 16.25, 16.25, 20.0, 23.75, 27.5, 31.25, 23.25, 29.0, 34.75,
                40.5, 46.25, 30.25, 38.0, 45.75, 53.5, 61.25}, RTOL, ATOL);
    }

    @Test
    void dotTransposeAReadsNdLhsAsFirstAxisByRestTransposed() {
        NDArray out = Ops.call("dot", attrs("transpose_a", true), ramp(0.5, -3, 2, 3, 4), ramp(1, -4, 2, 5));

        assertThat(out).hasShape(3, 4, 5);
        assertThat(out.getDouble(0, 0, 0)).isEqualTo(15.0);
        assertThat(out.getDouble(1, 0, 2)).isEqualTo(17.0);
        assertThat(out.getDouble(2, 3, 4)).isEqualTo(42.5);
    }

    @Test
    void dotTransposeBReadsNdRhsAsLeadingAxesByLastTransposed() {
        NDArray lhs = NDArray.of(Shape.of(2, 4), 1, 2, 3, 4, -1, 0.5f, 2, -3);

        NDArray out = Ops.call("dot", attrs("transpose_b", "True"), lhs, ramp(0.1, 0, 3, 2, 4));

        assertThat(out).hasShape(2, 3, 2).isCloseTo(new double[] {2.0, 6.0, 10.0, 14.0, 18.0, 22.0, -0.45, -1.05,
                -1.65, -2.25, -2.85, -3.45}, RTOL, ATOL);
    }

    @Test
    void dotOfTwoVectorsHasShapeOne() {
        NDArray out = Ops.call("dot", NDArray.of(Shape.of(3), 1, 2, 3), NDArray.of(Shape.of(3), 4, -5, 6));

        assertThat(out).hasShape(1).isCloseTo(new double[] {12}, 0, 0);
    }

    @Test
    void dotOfMatrixAndVectorDropsTheVectorAxis() {
        NDArray m = NDArray.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        NDArray v = NDArray.of(Shape.of(3), 1, 0, -1);

        assertThat(Ops.call("dot", m, v)).hasShape(2).isCloseTo(new double[] {-2, -2}, 0, 0);
        assertThat(Ops.call("dot", NDArray.of(Shape.of(2), 1, -1), m)).hasShape(3)
                .isCloseTo(new double[] {-3, -3, -3}, 0, 0);
    }

    @Test
    void dotInFloat64AndFloat16KeepsTheInputDtype() {
        NDArray a = NDArray.of(Shape.of(2, 2), DType.FLOAT64, 1, 2, 3, 4);
        NDArray h = NDArray.of(Shape.of(2, 2), DType.FLOAT16, 1, 2, 3, 4);

        assertThat(Ops.call("dot", a, a)).hasDType(DType.FLOAT64).isCloseTo(new double[] {7, 10, 15, 22}, 0, 0);
        assertThat(Ops.call("dot", h, h)).hasDType(DType.FLOAT16).isCloseTo(new double[] {7, 10, 15, 22}, 0, 0);
    }

    @Test
    void dotWithEmptyContractionGivesZeros() {
        NDArray out = Ops.call("dot", NDArray.zeros(2, 0), NDArray.zeros(0, 3));

        assertThat(out).hasShape(2, 3).isCloseTo(new double[6], 0, 0);
        assertThat(Ops.call("dot", NDArray.zeros(0, 4), NDArray.zeros(4, 3))).hasShape(0, 3);
    }

    @Test
    void dotRejectsMismatchedShapesTransposedVectorsAndIntegers() {
        assertThatThrownBy(() -> Ops.call("dot", NDArray.zeros(2, 3), NDArray.zeros(4, 5)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'dot'").hasMessageContaining("lhs (2, 3) x rhs (4, 5)");
        assertThatThrownBy(() -> Ops.call("dot", attrs("transpose_a", true), NDArray.zeros(3), NDArray.zeros(3)))
                .hasMessageContaining("cannot transpose vectors");
        NDArray ints = NDArray.of(Shape.of(2), DType.INT32, 1, 2);
        assertThatThrownBy(() -> Ops.call("dot", ints, ints)).hasMessageContaining("input 'lhs' has dtype int32");
        assertThatThrownBy(() -> Ops.call("dot", NDArray.zeros(2, 2), NDArray.of(Shape.of(2, 2), DType.FLOAT64,
                1, 2, 3, 4))).hasMessageContaining("'rhs' has dtype float64");
    }

    @Test
    void dotAcceptsAndIgnoresForwardStype() {
        NDArray out = Ops.call("dot", attrs("forward_stype", "default"), NDArray.ones(2, 2), NDArray.ones(2, 2));

        assertThat(out).isCloseTo(new double[] {2, 2, 2, 2}, 0, 0);
    }

    @Test
    void batchDotMultipliesFourDimensionalBatchesWithBothTransposes() {
        NDArray out = Ops.call("batch_dot", attrs("transpose_a", true, "transpose_b", true),
                ramp(0.1, -1, 2, 3, 4, 2), ramp(0.05, 0, 2, 3, 5, 4));

        assertThat(out).hasShape(2, 3, 2, 5);
        assertThat(out.getDouble(0, 0, 0, 0)).isCloseTo(-0.16, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(out.getDouble(0, 1, 1, 4)).isCloseTo(1.55, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(out.getDouble(1, 2, 1, 4)).isCloseTo(79.95, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void batchDotOfThreeDimensionalArrays() {
        NDArray lhs = NDArray.of(Shape.of(2, 1, 2), 1, 2, 3, 4);
        NDArray rhs = NDArray.of(Shape.of(2, 2, 1), 5, 6, 7, 8);

        assertThat(Ops.call("batch_dot", lhs, rhs)).hasShape(2, 1, 1).isCloseTo(new double[] {17, 53}, 0, 0);
    }

    @Test
    void batchDotRejectsLowRanksUnequalBatchesAndMismatchedInnerDims() {
        assertThatThrownBy(() -> Ops.call("batch_dot", NDArray.zeros(2, 3), NDArray.zeros(3, 2)))
                .hasMessageContaining("op 'batch_dot'").hasMessageContaining("rank N >= 3");
        assertThatThrownBy(() -> Ops.call("batch_dot", NDArray.zeros(2, 2, 3), NDArray.zeros(3, 3, 2)))
                .hasMessageContaining("leading batch dimensions must be equal")
                .hasMessageContaining("lhs (2, 2, 3) x rhs (3, 3, 2)");
        assertThatThrownBy(() -> Ops.call("batch_dot", NDArray.zeros(2, 2, 3), NDArray.zeros(2, 4, 2)))
                .hasMessageContaining("shape mismatch");
    }

    @Test
    void matmulBroadcastsBatchDimensions() {
        NDArray out = Ops.call("matmul", ramp(1, -5, 2, 1, 2, 3), ramp(0.5, 0, 4, 3, 2));

        assertThat(out).hasShape(2, 4, 2, 2).isCloseTo(new double[] {-10.0, -16.0, -1.0, -2.5, -46.0, -52.0, -10.0,
                -11.5, -82.0, -88.0, -19.0, -20.5, -118.0, -124.0, -28.0, -29.5, 8.0, 11.0, 17.0, 24.5, 26.0, 29.0,
                62.0, 69.5, 44.0, 47.0, 107.0, 114.5, 62.0, 65.0, 152.0, 159.5}, RTOL, ATOL);
    }

    @Test
    void matmulPromotesOneDimensionalOperandsAndDropsTheAddedAxis() {
        NDArray v = NDArray.of(Shape.of(3), 1, -2, 3);

        assertThat(Ops.call("matmul", v, ramp(0.5, 0, 4, 3, 2))).hasShape(4, 2)
                .isCloseTo(new double[] {4, 5, 10, 11, 16, 17, 22, 23}, RTOL, ATOL);
        assertThat(Ops.call("matmul", ramp(1, -5, 2, 1, 2, 3), v)).hasShape(2, 1, 2)
                .isCloseTo(new double[] {-6, 0, 6, 12}, RTOL, ATOL);
        assertThat(Ops.call("_npi_matmul", v, v)).hasShape(Shape.scalar()).isCloseTo(new double[] {14}, 0, 0);
    }

    @Test
    void matmulRejectsScalarsAndMismatchedShapes() {
        assertThatThrownBy(() -> Ops.call("matmul", NDArray.scalar(2), NDArray.zeros(2)))
                .hasMessageContaining("op 'matmul'").hasMessageContaining("not have enough dimensions");
        assertThatThrownBy(() -> Ops.call("matmul", NDArray.zeros(2, 3), NDArray.zeros(2, 3)))
                .hasMessageContaining("a (2, 3) x b (2, 3)");
        assertThatThrownBy(() -> Ops.call("matmul", NDArray.zeros(2, 2, 3), NDArray.zeros(3, 3, 1)))
                .hasMessageContaining("cannot be broadcast");
    }

    @Test
    void fullyConnectedFlattensTrailingAxesAndAddsBias() {
        NDArray w = NDArray.of(Shape.of(3, 6), 1, 0, -1, 2, 0.5f, 1, 0, 1, 1, -1, 2, 0, 0.5f, 0.5f, 0.5f, 0.5f,
                0.5f, 0.5f);
        NDArray b = NDArray.of(Shape.of(3), 0.1f, -0.2f, 0.3f);

        NDArray out = Ops.call("FullyConnected", attrs("num_hidden", 3), ramp(0.5, -2, 2, 2, 3), w, b);

        assertThat(out).hasShape(2, 3).isCloseTo(new double[] {-1.4, -2.2, -1.95, 9.1, 6.8, 7.05}, RTOL, ATOL);
    }

    @Test
    void fullyConnectedStartsEveryRowOfALargeOutputFromTheBias() {
        // 300 x 256 outputs: the bias rows are copied by several threads before the product
        int rows = 300;
        int hidden = 256;
        int inputs = 3;
        java.util.Random r = new java.util.Random(5);
        float[] x = new float[rows * inputs];
        float[] w = new float[hidden * inputs];
        float[] b = new float[hidden];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(7) - 3;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(5) - 2;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = i * 0.5f - 40;
        }
        NDArray out = Ops.call("FullyConnected", attrs("num_hidden", hidden), NDArray.wrap(Shape.of(rows, inputs), x),
                NDArray.wrap(Shape.of(hidden, inputs), w), NDArray.wrap(Shape.of(hidden), b));
        double[] expected = new double[rows * hidden];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < hidden; j++) {
                double s = b[j];
                for (int k = 0; k < inputs; k++) {
                    s += (double) x[i * inputs + k] * w[j * inputs + k];
                }
                expected[i * hidden + j] = s;
            }
        }
        assertThat(out).hasShape(rows, hidden).isCloseTo(expected, 0, 0);
    }

    @Test
    void fullyConnectedWithoutFlattenAppliesToTheLastAxis() {
        NDArray w = NDArray.of(Shape.of(2, 3), 1, 0, -1, 2, 0.5f, 1);
        NDArray b = NDArray.of(Shape.of(2, 1), 1, -1);

        NDArray out = Ops.call("FullyConnected", attrs("num_hidden", "2", "flatten", "False"),
                ramp(0.5, -2, 2, 2, 3), w, b);

        assertThat(out).hasShape(2, 2, 2).isCloseTo(new double[] {0, -6.75, 0, -1.5, 0, 3.75, 0, 9}, RTOL, ATOL);
    }

    @Test
    void fullyConnectedWithNoBiasTakesTwoInputs() {
        NDArray w = NDArray.of(Shape.of(1, 2), 2, 3);

        NDArray out = Ops.call("FullyConnected", attrs("num_hidden", 1, "no_bias", true), NDArray.ones(4, 2), w);

        assertThat(out).hasShape(4, 1).isCloseTo(new double[] {5, 5, 5, 5}, 0, 0);
        assertThat(OpRegistry.global().get("FullyConnected").inputNames(
                OpRegistry.global().get("FullyConnected").attrs(Map.of("num_hidden", 1, "no_bias", true))))
                .containsExactly("data", "weight");
    }

    @Test
    void fullyConnectedRejectsWrongWeightAndBiasShapes() {
        assertThatThrownBy(() -> Ops.call("FullyConnected", attrs("num_hidden", 3), NDArray.zeros(2, 4),
                NDArray.zeros(3, 5), NDArray.zeros(3)))
                .hasMessageContaining("op 'FullyConnected'").hasMessageContaining("input 'weight' has shape (3, 5)")
                .hasMessageContaining("(3, 4)");
        assertThatThrownBy(() -> Ops.call("FullyConnected", attrs("num_hidden", 3), NDArray.zeros(2, 4),
                NDArray.zeros(3, 4), NDArray.zeros(4)))
                .hasMessageContaining("input 'bias' has shape (4,)");
        assertThatThrownBy(() -> Ops.call("FullyConnected", NDArray.zeros(2, 4), NDArray.zeros(3, 4)))
                .hasMessageContaining("'num_hidden'");
    }

    @Test
    void linalgGemm2UsesTheRowAxisAndAlpha() {
        NDArray out = Ops.call("linalg_gemm2", attrs("axis", 1, "alpha", 2.0),
                ramp(0.1, -1, 2, 3, 2, 4), ramp(0.05, 0, 2, 4, 2, 5));

        assertThat(out).hasShape(2, 3, 2, 5);
        assertThat(out.getDouble(0, 0, 0, 0)).isCloseTo(-4.6, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(out.getDouble(0, 0, 1, 4)).isCloseTo(-3.82, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(out.getDouble(1, 2, 1, 4)).isCloseTo(91.38, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void linalgGemm2TransposesTheLastTwoAxesByDefault() {
        NDArray a = NDArray.of(Shape.of(1, 2, 2), 1, 2, 3, 4);
        NDArray b = NDArray.of(Shape.of(1, 2, 2), 5, 6, 7, 8);

        NDArray out = Ops.call("_linalg_gemm2", attrs("transpose_a", true, "transpose_b", true), a, b);

        // A^T B^T = [[1,3],[2,4]] [[5,7],[6,8]]
        assertThat(out).hasShape(1, 2, 2).isCloseTo(new double[] {23, 31, 34, 46}, 0, 0);
    }

    @Test
    void linalgGemm2RejectsBadAxisAndShapes() {
        assertThatThrownBy(() -> Ops.call("linalg_gemm2", attrs("axis", -1), NDArray.zeros(2, 2),
                NDArray.zeros(2, 2))).hasMessageContaining("'axis' -1");
        assertThatThrownBy(() -> Ops.call("linalg_gemm2", NDArray.zeros(2, 3), NDArray.zeros(2, 3)))
                .hasMessageContaining("incompatible matrix dimensions").hasMessageContaining("A (2, 3) x B (2, 3)");
        assertThatThrownBy(() -> Ops.call("linalg_gemm2", NDArray.zeros(2, 2, 3), NDArray.zeros(3, 3, 3)))
                .hasMessageContaining("same shape except on the row axis");
    }

    @Test
    void dotReadsVectorsAsRowOrColumnUnderTransposes() {
        NDArray v = NDArray.of(Shape.of(3), 1, 2, 3);

        assertThat(Ops.call("dot", attrs("transpose_b", true), v, ramp(1, 0, 4, 3))).hasShape(4)
                .isCloseTo(new double[] {8, 26, 44, 62}, 0, 0);
        assertThat(Ops.call("dot", attrs("transpose_a", true), ramp(1, 0, 3, 2), NDArray.of(Shape.of(3), 1, -1, 2)))
                .hasShape(2).isCloseTo(new double[] {6, 8}, 0, 0);
    }

    @Test
    void fullyConnectedInFloat64WithoutFlattenOrBias() {
        NDArray x = NDArray.of(Shape.of(2, 3, 2), DType.FLOAT64, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5);
        NDArray w = NDArray.of(Shape.of(3, 2), DType.FLOAT64, 1, 2, -1, 0.5, 0, 3);

        NDArray out = Ops.call("FullyConnected", attrs("num_hidden", 3, "flatten", false, "no_bias", true), x, w);

        assertThat(out).hasShape(2, 3, 3).hasDType(DType.FLOAT64).isCloseTo(new double[] {1.0, 0.25, 1.5, 4.0,
                -0.25, 4.5, 7.0, -0.75, 7.5, 10.0, -1.25, 10.5, 13.0, -1.75, 13.5, 16.0, -2.25, 16.5}, 0, 0);
    }

    @Test
    void matmulInFloat64WithTrailingVector() {
        NDArray a = NDArray.of(Shape.of(2, 3, 4), DType.FLOAT64, ramp(0.25, 0, 24).toDoubleArray());
        NDArray b = NDArray.of(Shape.of(4), DType.FLOAT64, 1, 0, -1, 2);

        assertThat(Ops.call("matmul", a, b)).hasShape(2, 3).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {1, 3, 5, 7, 9, 11}, 0, 0);
    }

    @Test
    void batchDotInBfloat16RoundsTheFloat32Result() {
        NDArray lhs = NDArray.of(Shape.of(1, 1, 2), DType.BFLOAT16, 1, 2);
        NDArray rhs = NDArray.of(Shape.of(1, 2, 1), DType.BFLOAT16, 3, 4);

        assertThat(Ops.call("batch_dot", lhs, rhs)).hasShape(1, 1, 1).hasDType(DType.BFLOAT16)
                .isCloseTo(new double[] {11}, 0, 0);
    }

    @Test
    void largeProductsMatchANaiveDoubleLoopWithAndWithoutTransposes() {
        int m = 70;
        int k = 130;
        int n = 90;
        NDArray a = ramp(1e-4, -0.3, m, k);
        NDArray b = ramp(-2e-4, 0.5, k, n);
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    expected[i * n + j] += a.getDouble(i, p) * b.getDouble(p, j);
                }
            }
        }

        NDArray plain = Ops.call("dot", a, b);
        NDArray transposed = Ops.call("dot", attrs("transpose_a", true, "transpose_b", true), transpose(a),
                transpose(b));

        assertThat(plain).hasShape(m, n).isCloseTo(expected, 1e-5, 1e-5);
        assertThat(transposed).hasShape(m, n).isCloseTo(expected, 1e-5, 1e-5);
    }

    private static NDArray transpose(NDArray x) {
        int r = x.shape().get(0);
        int c = x.shape().get(1);
        NDArray t = NDArray.zeros(c, r);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t.setDouble(j * r + i, x.getDouble(i, j));
            }
        }
        return t;
    }
}
