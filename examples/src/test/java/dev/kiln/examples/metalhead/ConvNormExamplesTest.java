package dev.kiln.examples.metalhead;

import dev.kiln.block.Differential;
import dev.kiln.block.DifferentialReport;
import dev.kiln.block.HybridSequential;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.metalhead.Layers;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Worked example 4 of issue #6: Metalhead's {@code conv_norm((3, 3), 32, 64)} in a sequence, with sigmoid, with a
 * GroupNorm of 4 groups, and with a BatchNorm of eps 1e-3; each built, run, and checked eager against traced (the
 * same sequences run in MXNet 1.9 in {@code MetalheadConformanceTest}).
 */
@ExtendWith(FreshNames.class)
class ConvNormExamplesTest {
    private static NDArray run(HybridSequential seq) {
        seq.initialize(new Xavier());
        return LayerCheck.of(seq, Random.uniform(-1, 1, 2, 32, 6, 6)).expectShape(2, 64, 4, 4)
                .withoutFiniteDifferences().tolerance(1e-4, 1e-6).run().get(0);
    }

    @Test
    void convNormInASequenceIsConvBatchNormRelu() {
        HybridSequential seq = ConvNormExamples.plain();
        assertThat(seq.toString()).contains("Conv2D(32 -> 64, kernel_size=(3, 3)").contains("BatchNorm")
                .contains("Activation(relu)");
        NDArray y = run(seq);
        for (int i = 0; i < y.size(); i++) {
            assertThat(y.getDouble(i)).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void withSigmoidTheOutputLiesInTheUnitInterval() {
        NDArray y = run(ConvNormExamples.withSigmoid());
        for (int i = 0; i < y.size(); i++) {
            assertThat(y.getDouble(i)).isBetween(0.0, 1.0);
        }
    }

    @Test
    void withGroupNormOfFourGroups() {
        HybridSequential seq = ConvNormExamples.withGroupNorm();
        assertThat(seq.toString()).contains("GroupNorm");
        run(seq);
    }

    @Test
    void withBatchNormOfEpsilonOneThousandth() {
        HybridSequential seq = ConvNormExamples.withBatchNormEps();
        assertThat(seq.toString()).contains("eps=0.001");
        run(seq);
        assertThat(Layers.basicConvBn(ConvNormExamples.K, 32, 64, "relu", true).build().get(1).toString())
                .contains("eps=0.001");
    }

    @Test
    void everySequenceHybridizedTrainsAsItDoesEagerly() {
        for (HybridSequential seq : java.util.List.of(ConvNormExamples.plain(), ConvNormExamples.withSigmoid(),
                ConvNormExamples.withGroupNorm(), ConvNormExamples.withBatchNormEps())) {
            seq.initialize(new Xavier());
            seq.hybridize();
            DifferentialReport r = Differential.of(seq).inputs(Random.uniform(-1, 1, 2, 32, 6, 6)).training(true)
                    .headGradients(Random.uniform(-1, 1, 2, 64, 4, 4)).run().assertWithin(1e-4, 1e-6);
            assertThat(r.compiledGraphs()).as(seq.toString()).isEqualTo(1);
            boolean batchNorm = seq.toString().contains("BatchNorm");
            // BatchNorm's running statistics move in training, and move alike on both paths
            assertThat(r.entries(DifferentialReport.Kind.STATE)).as(seq.toString()).hasSize(batchNorm ? 2 : 0);
        }
    }
}
