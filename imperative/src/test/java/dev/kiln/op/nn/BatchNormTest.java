package dev.kiln.op.nn;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expectations computed offline with numpy in float64 (biased batch variance, eps=1e-3 unless stated). */
class BatchNormTest {
    private static final double[] X = {0.5, -1.0, 2.0, 3.5, -0.25, 1.0, 4.0, 0.0, 1.5, -2.0, 0.75, 2.5};

    private final NDArray data = NDArray.of(Shape.of(2, 3, 2), DType.FLOAT32, X);
    private final NDArray gamma = NDArray.of(Shape.of(3), 0.5f, 1.5f, 2.0f);
    private final NDArray beta = NDArray.of(Shape.of(3), 0.1f, -0.2f, 0.3f);
    private final NDArray movingMean = NDArray.of(Shape.of(3), 0.2f, -0.1f, 0.5f);
    private final NDArray movingVar = NDArray.of(Shape.of(3), 1.5f, 0.5f, 2.0f);

    private List<NDArray> bn(Map<String, ?> attrs) {
        return Ops.invoke("BatchNorm", attrs, data, gamma, beta, movingMean, movingVar);
    }

    private static <T> T training(Supplier<T> body) {
        boolean prev = OpContext.setTraining(true);
        try {
            return body.get();
        } finally {
            OpContext.setTraining(prev);
        }
    }

    @Test
    void predictModeUsesMovingStatisticsAndFixesGammaToOneByDefault() {
        List<NDArray> out = bn(Map.of());
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).hasShape(2, 3, 2).isCloseTo(new double[] {0.34486736542238683, -0.8794694616895473,
                2.766883079863586, 4.886085279766148, -0.23019755306617679, 0.6534650353774512, 3.2016532953502335,
                -0.06324491028159124, 2.060482346562732, -2.8843227865432444, 0.4767325176887256,
                1.7138601415098047}, 1e-5, 1e-6);
        assertThat(movingMean).isCloseTo(new double[] {0.2, -0.1, 0.5}, 1e-7, 0);
        assertThat(movingVar).isCloseTo(new double[] {1.5, 0.5, 2.0}, 1e-7, 0);
    }

    @Test
    void predictModeAppliesGammaWhenNotFixed() {
        assertThat(bn(Map.of("fix_gamma", false)).get(0)).isCloseTo(new double[] {0.2224336827111934,
                -0.3897347308447736, 4.2503246197953795, 7.429127919649221, -0.7603951061323535, 1.0069300707549023,
                1.6508266476751168, 0.018377544859204384, 3.1907235198440986, -4.226484179814866, 0.6534650353774512,
                3.127720283019609}, 1e-5, 1e-6);
    }

    @Test
    void trainingModeUsesBatchStatisticsAndUpdatesRunningStatsInPlace() {
        List<NDArray> out = training(() -> bn(Map.of("fix_gamma", false)));
        assertThat(out.get(0)).isCloseTo(new double[] {0.0004555349709706169, -0.39772232514514694,
                0.35808762217050955, 1.4742628665115287, -2.238692585022406, 0.3, 0.9295372085752449,
                -0.13227041840106857, -0.01397079260983014, -2.6183796960722088, -0.20773851700448115,
                3.346431102026887}, 1e-5, 1e-6);
        // running = 0.9 * running + 0.1 * batch, with the biased batch variance (3.546875, 4.0625, 0.96875)
        assertThat(movingMean).isCloseTo(new double[] {0.2675, 0.035, 0.55}, 1e-6, 1e-7);
        assertThat(movingVar).isCloseTo(new double[] {1.7046875, 0.85625, 1.896875}, 1e-6, 0);
    }

    @Test
    void momentumAttributeWeighsTheRunningStats() {
        training(() -> bn(Map.of("momentum", "0.5")));
        assertThat(movingMean).isCloseTo(new double[] {0.5375, 0.575, 0.75}, 1e-6, 0);
        assertThat(movingVar).isCloseTo(new double[] {2.5234375, 2.28125, 1.484375}, 1e-6, 0);
    }

    @Test
    void useGlobalStatsInTrainingNormalisesWithMovingStatsAndLeavesThemAlone() {
        List<NDArray> out = training(() -> bn(Map.of("use_global_stats", true)));
        assertThat(out.get(0)).isCloseTo(new double[] {0.34486736542238683, -0.8794694616895473,
                2.766883079863586, 4.886085279766148, -0.23019755306617679, 0.6534650353774512, 3.2016532953502335,
                -0.06324491028159124, 2.060482346562732, -2.8843227865432444, 0.4767325176887256,
                1.7138601415098047}, 1e-5, 1e-6);
        assertThat(movingMean).isCloseTo(new double[] {0.2, -0.1, 0.5}, 1e-7, 0);
    }

    @Test
    void outputMeanVarReturnsTheMeanAndTheInverseStd() {
        List<NDArray> out = training(() -> bn(Map.of("output_mean_var", true)));
        assertThat(out).hasSize(3);
        assertThat(out.get(1)).hasShape(3).isCloseTo(new double[] {0.875, 1.25, 1.0}, 1e-6, 0);
        // 1 / sqrt(var + eps), as MXNet's "var" output
        assertThat(out.get(2)).hasShape(3)
                .isCloseTo(new double[] {0.5309038134881567, 0.4960778863737863, 1.0154770340089623}, 1e-6, 0);
        List<NDArray> predicted = bn(Map.of("output_mean_var", true));
        assertThat(predicted.get(1)).isCloseTo(new double[] {0.2675, 0.035, 0.55}, 1e-6, 1e-7);
    }

    @Test
    void channelAxisMinusOneNormalisesColumns() {
        NDArray y = NDArray.of(Shape.of(4, 3), DType.FLOAT64, 1.0, 2.0, -1.0, 0.5, 4.0, 3.0, -2.0, 0.0, 1.0, 2.5,
                -1.0, 0.0);
        NDArray ones = NDArray.of(Shape.of(3), DType.FLOAT64, 1, 1, 1);
        NDArray b = NDArray.of(Shape.of(3), DType.FLOAT64, 0.1, -0.2, 0.3);
        NDArray zeros = NDArray.of(Shape.of(3), DType.FLOAT64, 0, 0, 0);
        NDArray out = training(() -> Ops.call("BatchNorm", Map.of("axis", -1), y, ones, b, zeros, ones.copy()));
        assertThat(out).hasDType(DType.FLOAT64).isCloseTo(new double[] {0.4085479344852193, 0.1905137855101206,
                -0.8829455999485956, 0.1, 1.2318838802037757, 1.820930057076766, -1.4427396724260968,
                -0.8508563091835344, 0.46899222856408507, 1.3341917379408774, -1.3715413565303618,
                -0.2069766856922553}, 1e-12, 1e-15);
    }

    @Test
    void float16DataTakesFloat32ParametersAndStatistics() {
        NDArray half = data.astype(DType.FLOAT16);
        List<NDArray> out = training(() -> Ops.invoke("BatchNorm", Map.of("eps", 1e-5, "output_mean_var", true),
                half, gamma, beta, movingMean, movingVar));
        assertThat(out.get(0)).hasDType(DType.FLOAT16).isCloseTo(new double[] {-0.09912109375, -0.8955078125,
                0.172119140625, 0.91650390625, -0.97021484375, 0.300048828125, 1.759765625, -0.364501953125,
                -0.07598876953125, -1.8125, 0.045989990234375, 1.82421875}, 1e-3, 1e-3);
        assertThat(out.get(1)).hasDType(DType.FLOAT32);
        assertThatThrownBy(() -> Ops.invoke("BatchNorm", Map.of(), half, gamma.astype(DType.FLOAT16), beta,
                movingMean, movingVar))
                .isInstanceOf(KilnException.class).hasMessageContaining("'gamma'").hasMessageContaining("float32");
    }

    @Test
    void gammaOfWrongShapeNamesTheArgumentAndBothShapes() {
        NDArray badGamma = NDArray.zeros(4);
        assertThatThrownBy(() -> Ops.invoke("BatchNorm", Map.of(), data, badGamma, beta, movingMean, movingVar))
                .isInstanceOf(KilnException.class).hasMessageContaining("BatchNorm").hasMessageContaining("'gamma'")
                .hasMessageContaining("(4,)").hasMessageContaining("(3,)").hasMessageContaining("(2, 3, 2)");
    }

    @Test
    void movingStatisticsAreAuxiliaryStates() {
        var op = OpRegistry.global().get("BatchNorm");
        assertThat(op.auxInputIndices(op.defaultAttrs())).containsExactly(3, 4);
        assertThat(op.inputNames(op.defaultAttrs()))
                .containsExactly("data", "gamma", "beta", "moving_mean", "moving_var");
        assertThat(op.outputNames(op.attrs(Map.of("output_mean_var", true)))).containsExactly("output", "mean", "var");
        assertThat(op.defaultAttrs().get(BatchNormOp.EPS)).isEqualTo(1e-3);
    }

    @Test
    void axisOutOfRangeIsRejected() {
        assertThatThrownBy(() -> bn(Map.of("axis", 3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'axis'").hasMessageContaining("(2, 3, 2)");
    }

    @Test
    void cudnnOffIsAccepted() {
        assertThat(bn(Map.of("cudnn_off", "True")).get(0)).hasShape(2, 3, 2);
    }
}
