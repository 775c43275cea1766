package dev.kiln.conformance;

import dev.kiln.block.HybridSequential;
import dev.kiln.init.Xavier;
import dev.kiln.nn.metalhead.ConvNorm;
import dev.kiln.nn.metalhead.NormLayerFactory;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Metalhead's convNorm sequences (worked example 4) run by MXNet 1.9 from their traced graphs. */
@ExtendWith(FreshNames.class)
class MetalheadConformanceTest {
    private static final int[] K = {3, 3};

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    private static void check(ConvNorm convNorm, boolean training) {
        HybridSequential seq = new HybridSequential();
        convNorm.build().forEach(seq::add);
        seq.initialize(new Xavier());
        LayerConformance.assertMatchesMXNet(seq, training, new Tolerance(1e-4, 1e-5),
                Random.uniform(-1, 1, 2, 32, 6, 6));
    }

    @Test
    void convNormMatchesMXNetInBothModes() {
        check(ConvNorm.of(K, 32, 64), false);
        check(ConvNorm.of(K, 32, 64), true);
    }

    @Test
    void convNormWithSigmoidGroupNormAndBatchNormEpsMatchesMXNet() {
        check(ConvNorm.of(K, 32, 64).activation("sigmoid"), false);
        check(ConvNorm.of(K, 32, 64).normLayer(NormLayerFactory.groupNorm(4)), false);
        check(ConvNorm.of(K, 32, 64).normLayer(NormLayerFactory.batchNorm(1e-3)), true);
    }

    @Test
    void preactAndRevnormOrdersMatchMXNet() {
        check(ConvNorm.of(K, 32, 64).preact(true).stride(2).pad(1), false);
        check(ConvNorm.of(K, 32, 64).revnorm(true), false);
    }
}
