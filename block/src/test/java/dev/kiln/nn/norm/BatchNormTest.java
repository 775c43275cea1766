package dev.kiln.nn.norm;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.block.BlockForwardException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.function.IntUnaryOperator;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class BatchNormTest {
    private static final Shape SHAPE = Shape.of(4, 3, 2);
    private static final IntUnaryOperator CHANNEL = NormReference.indexAlong(SHAPE, 1);

    /** A BatchNorm on 3 channels with distinct gamma, beta and running statistics. */
    private static BatchNorm withStatistics(BatchNorm.Builder b) {
        BatchNorm bn = b.inChannels(3).build();
        bn.initialize();
        bn.gamma().setData(NDArray.of(Shape.of(3), 1.5f, -0.5f, 2f));
        bn.beta().setData(NDArray.of(Shape.of(3), 0.1f, 0.2f, -0.3f));
        bn.runningMean().setData(NDArray.of(Shape.of(3), 0.5f, -1f, 0f));
        bn.runningVar().setData(NDArray.of(Shape.of(3), 2f, 0.5f, 1f));
        return bn;
    }

    private static NDArray inTraining(BatchNorm bn, NDArray x) {
        try (var ignored = Autograd.trainMode()) {
            return bn.call(x);
        }
    }

    @Test
    void parametersAreGluonsWithDeferredChannelsAndRunningStatisticsNotDifferentiable() {
        BatchNorm bn = new BatchNorm();
        assertThat(bn.collectParams().keys()).containsExactly("batchnorm0_gamma", "batchnorm0_beta",
                "batchnorm0_running_mean", "batchnorm0_running_var");
        assertThat(bn.gamma().shape().get(0)).isEqualTo(Shape.UNKNOWN);
        assertThat(bn.gamma().gradReq()).isEqualTo(GradReq.WRITE);
        assertThat(bn.beta().gradReq()).isEqualTo(GradReq.WRITE);
        assertThat(bn.runningMean().gradReq()).isEqualTo(GradReq.NULL);
        assertThat(bn.runningVar().gradReq()).isEqualTo(GradReq.NULL);
        assertThat(bn).hasToString("BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
                + "use_global_stats=False, in_channels=None)");
        bn.initialize();
        bn.call(Random.uniform(-1, 1, 2, 5, 3));
        for (var p : bn.collectParams().values()) {
            assertThat(p.shape()).as(p.name()).isEqualTo(Shape.of(5));
        }
        assertThat(bn.gamma().data()).isCloseTo(new double[] {1, 1, 1, 1, 1}, 0, 0);
        assertThat(bn.beta().data()).isCloseTo(new double[] {0, 0, 0, 0, 0}, 0, 0);
        assertThat(bn.runningMean().data()).isCloseTo(new double[] {0, 0, 0, 0, 0}, 0, 0);
        assertThat(bn.runningVar().data()).isCloseTo(new double[] {1, 1, 1, 1, 1}, 0, 0);
        assertThat(bn).hasToString("BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
                + "use_global_stats=False, in_channels=5)");
        assertThat(BatchNorm.builder().axis(-1).momentum(0.99).epsilon(1e-3).scale(false).useGlobalStats(true)
                .inChannels(2).build()).hasToString("BatchNorm(axis=-1, eps=0.001, momentum=0.99, fix_gamma=True, "
                + "use_global_stats=True, in_channels=2)");
    }

    @Test
    void predictModeNormalisesWithTheRunningStatistics() {
        BatchNorm bn = withStatistics(BatchNorm.builder());
        NDArray x = Random.uniform(-2, 2, SHAPE.dims());
        double[] expected = NormReference.affine(NormReference.normalized(x, CHANNEL,
                bn.runningMean().data().toDoubleArray(), bn.runningVar().data().toDoubleArray(), 1e-5),
                CHANNEL, bn.gamma().data(), bn.beta().data());
        assertThat(bn.call(x)).isCloseTo(expected, 1e-5, 1e-6);
        assertThat(bn.runningMean().data()).isCloseTo(new double[] {0.5, -1, 0}, 0, 0);
        LayerCheck.of(bn, x).expectShape(4, 3, 2).run();
    }

    @Test
    void trainingNormalisesWithBatchStatisticsAndUpdatesRunningOnesWithMomentum() {
        BatchNorm bn = withStatistics(BatchNorm.builder().momentum(0.8));
        NDArray x = Random.uniform(-2, 3, SHAPE.dims());
        double[] mean = NormReference.means(x, CHANNEL, 3);
        double[] var = NormReference.variances(x, CHANNEL, 3);
        double[] expected = NormReference.affine(NormReference.normalized(x, CHANNEL, mean, var, 1e-5),
                CHANNEL, bn.gamma().data(), bn.beta().data());
        double[] oldMean = bn.runningMean().data().toDoubleArray();
        double[] oldVar = bn.runningVar().data().toDoubleArray();

        assertThat(inTraining(bn, x)).isCloseTo(expected, 1e-5, 1e-5);

        double[] newMean = new double[3];
        double[] newVar = new double[3];
        for (int c = 0; c < 3; c++) {
            newMean[c] = 0.8 * oldMean[c] + 0.2 * mean[c];
            newVar[c] = 0.8 * oldVar[c] + 0.2 * var[c];
        }
        assertThat(bn.runningMean().data()).isCloseTo(newMean, 1e-5, 1e-6);
        assertThat(bn.runningVar().data()).isCloseTo(newVar, 1e-5, 1e-6);
        LayerCheck.of(bn, x).training(true).expectShape(4, 3, 2).run();
    }

    @Test
    void useGlobalStatsNormalisesWithRunningStatisticsInTrainingAndLeavesThem() {
        BatchNorm bn = withStatistics(BatchNorm.builder().useGlobalStats(true));
        NDArray x = Random.uniform(-2, 2, SHAPE.dims());
        NDArray predicted = bn.call(x);
        assertThat(inTraining(bn, x)).isCloseTo(predicted, 1e-6, 1e-7);
        assertThat(bn.runningVar().data()).isCloseTo(new double[] {2, 0.5, 1}, 0, 0);
        LayerCheck.of(bn, x).training(true).expectShape(4, 3, 2).run();
    }

    @Test
    void withoutScaleGammaIsFixedAtOneAndWithoutCenterBetaIsNotLearned() {
        BatchNorm bn = withStatistics(BatchNorm.builder().scale(false).center(false));
        assertThat(bn.gamma().gradReq()).isEqualTo(GradReq.NULL);
        assertThat(bn.beta().gradReq()).isEqualTo(GradReq.NULL);
        NDArray x = Random.uniform(-2, 2, SHAPE.dims());
        double[] expected = NormReference.affine(NormReference.normalized(x, CHANNEL,
                bn.runningMean().data().toDoubleArray(), bn.runningVar().data().toDoubleArray(), 1e-5),
                CHANNEL, NDArray.ones(3), bn.beta().data());
        assertThat(bn.call(x)).isCloseTo(expected, 1e-5, 1e-6);
        LayerCheck.of(bn, x).training(true).expectShape(4, 3, 2).run();
    }

    @Test
    void anotherAxisHoldsTheChannels() {
        BatchNorm bn = BatchNorm.builder().axis(-1).build();
        bn.initialize();
        NDArray x = Random.uniform(-1, 1, 3, 2, 4);
        NDArray y = inTraining(bn, x);
        assertThat(bn.gamma().shape()).isEqualTo(Shape.of(4));
        IntUnaryOperator last = NormReference.indexAlong(x.shape(), 2);
        assertThat(y).isCloseTo(NormReference.normalized(x, last, 4, 1e-5), 1e-5, 1e-5);
        LayerCheck.of(bn, x).training(true).expectShape(3, 2, 4).run();
    }

    @Test
    void castToFloat16KeepsFloat32Parameters() {
        BatchNorm bn = BatchNorm.builder().inChannels(2).build();
        bn.initialize();
        bn.cast(DType.FLOAT16);
        assertThat(bn.gamma().dtype()).isEqualTo(DType.FLOAT32);
        bn.cast(DType.FLOAT64);
        assertThat(bn.runningVar().dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void rejectsAnAxisOutOfRangeOnTheFirstForwardAndBadArguments() {
        BatchNorm bn = BatchNorm.builder().axis(3).build();
        bn.initialize();
        assertThatThrownBy(() -> bn.call(NDArray.ones(2, 3)))
                .hasMessageContaining("'axis' 3 is out of range for 'data' of shape (2, 3)");
        assertThatThrownBy(() -> BatchNorm.builder().momentum(1.5).build())
                .hasMessageContaining("BatchNorm: momentum must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> BatchNorm.builder().epsilon(-1).build())
                .hasMessageContaining("BatchNorm: epsilon must be non-negative, got -1.0");
        assertThatThrownBy(() -> BatchNorm.builder().inChannels(-2).build())
                .hasMessageContaining("BatchNorm: inChannels must not be negative, got -2");
    }
}
