package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OrthogonalTest {

    private static NDArray weight(Initializer init, DType dtype, int... dims) {
        NDArray target = NDArray.zeros(Shape.of(dims), dtype, Device.cpu());
        init.initialize(new InitDesc("rnn_weight"), target);
        return target;
    }

    /** The Gram matrix of the rows (m x m) or of the columns (n x n) of a row-major m x n matrix. */
    private static double[][] gram(double[] w, int m, int n, boolean ofRows) {
        int k = ofRows ? m : n;
        double[][] g = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double s = 0;
                for (int i = 0; i < (ofRows ? n : m); i++) {
                    s += ofRows ? w[a * n + i] * w[b * n + i] : w[i * n + a] * w[i * n + b];
                }
                g[a][b] = s;
            }
        }
        return g;
    }

    private static void assertScaledIdentity(double[][] g, double scale, double tol) {
        for (int a = 0; a < g.length; a++) {
            for (int b = 0; b < g.length; b++) {
                assertThat(g[a][b]).as("[%d][%d]", a, b).isCloseTo(a == b ? scale * scale : 0, within(tol));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}: orthonormal rows")
    @CsvSource({"3x8, uniform", "5x5, uniform", "4x2x3x3, uniform", "3x8, normal", "6x6, normal"})
    void squareAndWideWeightsHaveOrthonormalRows(String dims, String randType) {
        int[] shape = Arrays.stream(dims.split("x")).mapToInt(Integer::parseInt).toArray();
        int m = shape[0];
        int n = Shape.of(shape).size() / m;
        double[] w = weight(new Orthogonal(1.414, randType), DType.FLOAT64, shape).toDoubleArray();
        assertScaledIdentity(gram(w, m, n, true), 1.414, 1e-12);
    }

    @ParameterizedTest(name = "{0} {1}: orthonormal columns")
    @CsvSource({"8x3, uniform", "20x1, normal", "9x4, normal"})
    void tallWeightsHaveOrthonormalColumns(String dims, String randType) {
        int[] shape = Arrays.stream(dims.split("x")).mapToInt(Integer::parseInt).toArray();
        double[] w = weight(new Orthogonal(0.5, randType), DType.FLOAT64, shape).toDoubleArray();
        assertScaledIdentity(gram(w, shape[0], shape[1], false), 0.5, 1e-12);
    }

    @Test
    void squareWeightsAreOrthogonalBothWays() {
        double[] w = weight(new Orthogonal(2, "uniform"), DType.FLOAT64, 7, 7).toDoubleArray();
        assertScaledIdentity(gram(w, 7, 7, true), 2, 1e-12);
        assertScaledIdentity(gram(w, 7, 7, false), 2, 1e-12);
    }

    @Test
    void aVectorBecomesAUnitVectorTimesTheScale() {
        double[] w = weight(new Orthogonal(), DType.FLOAT64, 6).toDoubleArray();
        assertThat(Math.sqrt(Arrays.stream(w).map(x -> x * x).sum())).isCloseTo(1.414, within(1e-12));
    }

    @Test
    void float32WeightsAreOrthonormalToSinglePrecision() {
        double[] w = weight(new Orthogonal(), DType.FLOAT32, 16, 48).toDoubleArray();
        assertScaledIdentity(gram(w, 16, 48, true), 1.414, 1e-5);
    }

    @Test
    void differentDrawsGiveDifferentOrthogonalMatrices() {
        double[] a = weight(new Orthogonal().withGenerator(new Generator(1)), DType.FLOAT64, 4, 4).toDoubleArray();
        double[] b = weight(new Orthogonal().withGenerator(new Generator(2)), DType.FLOAT64, 4, 4).toDoubleArray();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aScalarCannotBeMadeOrthogonal() {
        assertThatThrownBy(() -> weight(new Orthogonal(), DType.FLOAT32))
                .isInstanceOf(KilnException.class).hasMessageContaining("rnn_weight").hasMessageContaining("scalar");
    }
}
