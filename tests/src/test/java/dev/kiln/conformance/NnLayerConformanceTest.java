package dev.kiln.conformance;

import dev.kiln.block.HybridBlock;
import dev.kiln.init.Uniform;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.ELU;
import dev.kiln.nn.Embedding;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.GELU;
import dev.kiln.nn.LeakyReLU;
import dev.kiln.nn.PReLU;
import dev.kiln.nn.SELU;
import dev.kiln.nn.SiLU;
import dev.kiln.nn.Swish;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.nn.norm.GroupNorm;
import dev.kiln.nn.norm.InstanceNorm;
import dev.kiln.nn.norm.LayerNorm;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The basic, activation and normalisation layers against MXNet 1.9 running the same traced layer. Dropout is compared
 * only where it is deterministic (predict mode, rate 0): the random masks of the two libraries differ.
 */
@ExtendWith(FreshNames.class)
class NnLayerConformanceTest {

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    /** Initialises {@code block} with values away from the defaults, so gamma, beta and statistics all matter. */
    private static <B extends HybridBlock> B initialised(B block) {
        block.initialize(new Uniform(0.5));
        return block;
    }

    /** A BatchNorm whose first forward fixed its channels and whose parameters are all non-trivial. */
    private static BatchNorm batchNormWithStatistics(BatchNorm.Builder b, NDArray x) {
        BatchNorm bn = b.build();
        bn.initialize();
        bn.call(x);
        int c = bn.gamma().shape().get(0);
        bn.gamma().setData(Random.uniform(0.5, 2, c));
        bn.beta().setData(Random.uniform(-1, 1, c));
        bn.runningMean().setData(Random.uniform(-1, 1, c));
        bn.runningVar().setData(Random.uniform(0.5, 2, c));
        return bn;
    }

    @Test
    void dropoutInPredictModeAndWithRateZeroMatchesMXNet() {
        LayerConformance.assertMatchesMXNet(new Dropout(0.5), Random.uniform(-1, 1, 3, 4));
        LayerConformance.assertMatchesMXNet(new Dropout(0.3, 1), Random.uniform(-1, 1, 3, 4, 2));
        LayerConformance.assertMatchesMXNet(new Dropout(0), true, Tolerance.FLOAT32, Random.uniform(-1, 1, 3, 4));
    }

    @Test
    void embeddingMatchesMXNet() {
        Embedding e = initialised(new Embedding(6, 3));
        LayerConformance.assertMatchesMXNet(e, NDArray.of(Shape.of(2, 3), DType.FLOAT32, 5, 0, 2, 2, 1, 4));
    }

    @Test
    void flattenMatchesMXNet() {
        LayerConformance.assertMatchesMXNet(new Flatten(), Random.uniform(-1, 1, 2, 3, 4));
    }

    @Test
    void leakyActivationsMatchMXNet() {
        NDArray x = Random.uniform(-3, 3, 4, 5);
        LayerConformance.assertMatchesMXNet(new LeakyReLU(0.2), x);
        LayerConformance.assertMatchesMXNet(new ELU(), x);
        LayerConformance.assertMatchesMXNet(new ELU(0.3), x);
        LayerConformance.assertMatchesMXNet(new SELU(), x);
        LayerConformance.assertMatchesMXNet(new GELU(), x);
    }

    @Test
    void preluWithSharedAndPerChannelSlopesMatchesMXNet() {
        NDArray x = Random.uniform(-3, 3, 2, 3, 4);
        LayerConformance.assertMatchesMXNet(initialised(new PReLU()), x);
        LayerConformance.assertMatchesMXNet(initialised(PReLU.builder().inChannels(3).build()), x);
    }

    @Test
    void swishAndSiluGraphsMatchMXNet() {
        NDArray x = Random.uniform(-3, 3, 4, 5);
        LayerConformance.assertMatchesMXNet(new Swish(), x);
        LayerConformance.assertMatchesMXNet(new Swish(1.7), x);
        LayerConformance.assertMatchesMXNet(new SiLU(), x);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void batchNormMatchesMXNetInBothModes(boolean training) {
        NDArray x = Random.uniform(-2, 3, 4, 3, 2, 2);
        LayerConformance.assertMatchesMXNet(batchNormWithStatistics(BatchNorm.builder(), x), training,
                Tolerance.FLOAT32, x);
        LayerConformance.assertMatchesMXNet(batchNormWithStatistics(BatchNorm.builder().axis(-1).momentum(0.7)
                .epsilon(1e-3), x), training, Tolerance.FLOAT32, x);
        LayerConformance.assertMatchesMXNet(batchNormWithStatistics(BatchNorm.builder().scale(false).center(false),
                x), training, Tolerance.FLOAT32, x);
        LayerConformance.assertMatchesMXNet(batchNormWithStatistics(BatchNorm.builder().useGlobalStats(true), x),
                training, Tolerance.FLOAT32, x);
    }

    @Test
    void layerNormMatchesMXNet() {
        NDArray x = Random.uniform(-2, 2, 2, 3, 4);
        LayerConformance.assertMatchesMXNet(initialised(new LayerNorm()), x);
        LayerConformance.assertMatchesMXNet(initialised(LayerNorm.builder().axis(1).epsilon(1e-3).build()), x);
    }

    @Test
    void instanceNormMatchesMXNet() {
        NDArray x = Random.uniform(-2, 2, 2, 3, 4);
        LayerConformance.assertMatchesMXNet(initialised(InstanceNorm.builder().scale(true).build()), x);
        LayerConformance.assertMatchesMXNet(initialised(InstanceNorm.builder().axis(2).build()), x);
    }

    @Test
    void groupNormMatchesMXNet() {
        NDArray x = Random.uniform(-2, 2, 2, 4, 3);
        LayerConformance.assertMatchesMXNet(initialised(new GroupNorm()), x);
        LayerConformance.assertMatchesMXNet(initialised(GroupNorm.builder().numGroups(2).epsilon(1e-3).build()), x);
    }
}
