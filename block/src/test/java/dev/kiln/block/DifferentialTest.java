package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.surface.F;
import dev.kiln.random.Random;
import dev.kiln.symbol.Sym;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static dev.kiln.block.DifferentialReport.Kind.INPUT_GRADIENT;
import static dev.kiln.block.DifferentialReport.Kind.OUTPUT;
import static dev.kiln.block.DifferentialReport.Kind.PARAMETER_GRADIENT;
import static dev.kiln.block.DifferentialReport.Kind.STATE;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(dev.kiln.testing.FreshNames.class)
class DifferentialTest {
    /** 2 x 3 input with known values. */
    private static final NDArray X = NDArray.of(Shape.of(2, 3), 1f, -2f, 3f, 0.5f, 4f, -1f);

    /** Computes {@code 3x} eagerly but {@code scale * x} when traced: a hybridization bug made on purpose. */
    static final class Broken extends HybridBlock {
        private final double traced;
        private final boolean transposed;

        Broken(double traced, boolean transposed) {
            this.traced = traced;
            this.transposed = transposed;
        }

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            if (F instanceof Sym) {
                T y = F.mulScalar(x, traced, Map.of("name", "fwd"));
                return transposed ? F.transpose(y, Map.of("name", "fwdt")) : y;
            }
            return F.mulScalar(x, 3.0, Map.of("name", "fwd"));
        }
    }

    private static Dense dense() {
        Dense d = new Dense(2);
        d.initialize();
        return d;
    }

    @Test
    void agreeingBlockReportsZeroDifferenceForOutputsAndEveryGradient() {
        Dense d = dense();
        DifferentialReport r = Differential.of(d).inputs(X).run();
        assertThat(r.entries(OUTPUT)).hasSize(1);
        assertThat(r.entries(INPUT_GRADIENT)).extracting(DifferentialReport.Entry::name).containsExactly("data");
        assertThat(r.entries(PARAMETER_GRADIENT)).extracting(DifferentialReport.Entry::name)
                .containsExactly("dense0_weight", "dense0_bias");
        assertThat(r.entries(STATE)).isEmpty();
        assertThat(r.maxAbs()).isZero();
        assertThat(r.compiledGraphs()).isEqualTo(1);
        r.assertWithin(0, 0);
        // the compared values are the real ones: output x W^T + b, and for the sum of outputs the bias gradient is
        // the batch size and the weight gradient the column sums of x
        assertThat(r.entry("output 0 (dense0_fwd_output)").eager()).isCloseTo(d.call(X), 0, 0);
        assertThat(r.entry("dense0_bias").compiled()).isCloseTo(new double[] {2, 2}, 0, 0);
        assertThat(r.entry("grad of dense0_weight").compiled()).isCloseTo(new double[] {1.5, 2, 2, 1.5, 2, 2},
                0, 0);
        assertThat(r.toString()).contains("output 0 (dense0_fwd_output)").contains("grad of input data")
                .contains("grad of dense0_weight").contains("max |diff|");
    }

    @Test
    void givenHeadGradientsWeighTheOutputs() {
        NDArray heads = NDArray.of(Shape.of(2, 2), 1f, 2f, -1f, 0.5f);
        DifferentialReport r = Differential.of(dense()).inputs(X).headGradients(heads).run();
        assertThat(r.entry("dense0_bias").eager()).isCloseTo(new double[] {0, 2.5}, 0, 0);
        assertThat(r.entry("dense0_bias").compiled()).isCloseTo(new double[] {0, 2.5}, 0, 0);
    }

    @Test
    void aBlockWhoseTracedGraphComputesSomethingElseIsCaughtWithTheOutputNamed() {
        DifferentialReport r = Differential.of(new Broken(2.0, false)).inputs(X).run();
        DifferentialReport.Entry out = r.entry("output 0 (broken0_fwd_output)");
        // eager 3x, compiled 2x: the largest difference |x| is 4, at (1, 1); the relative one 1/3 everywhere
        assertThat(out.maxAbs()).isEqualTo(4.0);
        assertThat(out.absAt()).containsExactly(1, 1);
        assertThat(out.maxRel()).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(r.entry("grad of input data").maxAbs()).isEqualTo(1.0); // 3 vs 2 everywhere
        assertThatThrownBy(() -> r.assertWithin(1e-5, 1e-6)).isInstanceOf(KilnException.class)
                .hasMessageContaining("block 'broken0'")
                .hasMessageContaining("output 0 (broken0_fwd_output): 6 of 6 elements differ; at (1, 1) eager 12, "
                        + "compiled 8")
                .hasMessageContaining("grad of input data: 6 of 6 elements differ");
        // within a tolerance wide enough it passes
        r.assertWithin(0.5, 0);
    }

    @Test
    void aDifferentShapeOnTheCompiledPathIsReportedAsSuch() {
        DifferentialReport r = Differential.of(new Broken(3.0, true)).inputs(X).gradients(false).run();
        assertThat(r.entries()).hasSize(1);
        assertThat(r.maxAbs()).isInfinite();
        assertThatThrownBy(() -> r.assertWithin(1, 1)).hasMessageContaining(
                "output 0 (broken0_fwdt_output): shape (2, 3) eager, (3, 2) compiled");
    }

    @Test
    void randomOpsDrawTheSameOnBothPaths() {
        Dropout drop = new Dropout(0.5);
        DifferentialReport r = Differential.of(drop).inputs(NDArray.ones(4, 8)).training(true).seed(11).run();
        r.assertWithin(0, 0);
        NDArray out = r.entries(OUTPUT).get(0).eager();
        int zeros = 0;
        for (double v : out.toDoubleArray()) {
            zeros += v == 0 ? 1 : 0;
        }
        assertThat(zeros).isBetween(1, 31); // the mask really is random
        Random.seed(11);
        try (var ignored = dev.kiln.autograd.Autograd.trainMode()) {
            assertThat(drop.call(NDArray.ones(4, 8))).isEqualTo(out); // and drawn from the given seed
        }
    }

    @Test
    void batchNormStartsBothPathsFromTheSameStatisticsAndEndsAsAfterOneCall() {
        Random.seed(3);
        NDArray x = Random.uniform(-1, 1, 6, 3);
        BatchNorm[] bns = new BatchNorm[2];
        for (int i = 0; i < 2; i++) {
            bns[i] = BatchNorm.builder().momentum(0.5).build();
            bns[i].initialize();
        }
        DifferentialReport r = Differential.of(bns[0]).inputs(x).training(true).run();
        r.assertWithin(1e-5, 1e-6);
        assertThat(r.entries(STATE)).extracting(DifferentialReport.Entry::name)
                .containsExactly("batchnorm0_running_mean", "batchnorm0_running_var");
        try (var ignored = dev.kiln.autograd.Autograd.trainMode()) {
            bns[1].call(x); // one eager training call
        }
        assertThat(bns[0].runningMean().data()).isCloseTo(bns[1].runningMean().data(), 1e-6, 1e-7);
        assertThat(bns[0].runningVar().data()).isCloseTo(bns[1].runningVar().data(), 1e-6, 1e-7);
        assertThat(bns[0].runningMean().data().getDouble(0)).isNotEqualTo(0.0);
    }

    @Test
    void gradientsEndAsOneBackwardLeavesThemByGradReq() {
        Dense d = dense();
        d.call(X);
        d.bias().setGradReq(GradReq.ADD);
        d.bias().grad().fill(10);
        d.weight().grad().fill(10);
        Differential.of(d).inputs(X).run();
        assertThat(d.bias().grad()).isCloseTo(new double[] {12, 12}, 0, 0); // 10 + batch size 2
        assertThat(d.weight().grad()).isCloseTo(new double[] {1.5, 2, 2, 1.5, 2, 2}, 0, 0); // written
        // without gradients they are left alone
        Differential.of(d).inputs(X).gradients(false).run();
        assertThat(d.bias().grad()).isCloseTo(new double[] {12, 12}, 0, 0);
    }

    @Test
    void eachBlockKeepsTheHybridizationStateItHad() {
        HybridSequential net = new HybridSequential();
        Dense inner = new Dense(2, "relu"); // three ops in all: above the inline limit of the user's options
        try (var ignored = net.nameScope()) {
            net.add(inner, new Dense(3));
        }
        net.initialize();
        HybridizeOptions opts = HybridizeOptions.builder().cacheSize(5).build();
        net.hybridize(opts);
        inner.dehybridize();
        net.call(X);
        DifferentialReport r = Differential.of(net).inputs(X).run();
        assertThat(r.compiledGraphs()).isEqualTo(1);
        assertThat(net.hybridizeOptions()).contains(opts);
        assertThat(net.cacheStats().misses()).isEqualTo(1); // the user's graphs and counters, not the check's
        assertThat(net.cacheStats().size()).isEqualTo(1);
        assertThat(inner.isHybridized()).isFalse();
        assertThat(((HybridBlock) net.get(1)).hybridizeOptions()).contains(opts);
    }

    @Test
    void theReportSaysWhenNoCompiledGraphRan() {
        Dense d = dense();
        DifferentialReport r = Differential.of(d).inputs(X)
                .options(HybridizeOptions.builder().inlineLimit(2).build()).run();
        assertThat(r.compiledGraphs()).isZero(); // one op, within the inline limit, ran op by op on the tape
        assertThat(r.toString()).contains("no compiled graph ran").contains("inlineLimit(0)");
    }

    @Test
    void deferredParametersAreCompletedFromTheInputs() {
        Dense d = new Dense(4);
        d.initialize();
        assertThat(d.weight().isDeferred()).isTrue();
        Differential.of(d).inputs(X).run().assertWithin(1e-6, 1e-7);
        assertThat(d.weight().data()).hasShape(4, 3);
    }

    @Test
    void badUsesAreClearErrors() {
        assertThatThrownBy(() -> Differential.of(dense()).run()).isInstanceOf(KilnException.class)
                .hasMessageContaining("no inputs");
        Sequential plain = new Sequential();
        assertThatThrownBy(() -> Differential.of(plain).inputs(X).run())
                .hasMessageContaining("contains no HybridBlock");
        assertThatThrownBy(() -> Differential.of(dense()).inputs(X).headGradients(NDArray.ones(3, 2)).run())
                .hasMessageContaining("head gradient 0 has shape (3, 2), output 0 has shape (2, 2)");
        assertThatThrownBy(() -> Differential.of(dense()).inputs(X).headGradients(X, X).run())
                .hasMessageContaining("2 head gradients for 1 outputs");
    }

    @Test
    void aFailedCheckLeavesParametersAndHybridizationAsTheyWere() {
        Dense d = dense();
        d.call(X);
        NDArray w = d.weight().data().copy();
        d.weight().grad().fill(7);
        assertThatThrownBy(() -> Differential.of(d).inputs(X).headGradients(X, X).run());
        assertThat(d.weight().data()).isEqualTo(w);
        assertThat(d.weight().grad()).isCloseTo(List.of(7.0, 7.0, 7.0, 7.0, 7.0, 7.0).stream()
                .mapToDouble(Double::doubleValue).toArray(), 0, 0);
        assertThat(d.isHybridized()).isFalse();
    }
}
