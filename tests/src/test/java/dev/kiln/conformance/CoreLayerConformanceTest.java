package dev.kiln.conformance;

import dev.kiln.init.Xavier;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Dense and Activation against MXNet 1.9 running the same traced layer. */
@ExtendWith(FreshNames.class)
class CoreLayerConformanceTest {

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    @Test
    void denseFlattenedWithActivationMatchesMXNet() {
        Dense d = new Dense(6, "relu");
        d.initialize(new Xavier());
        LayerConformance.assertMatchesMXNet(d, Random.uniform(-1, 1, 3, 2, 4));
    }

    @Test
    void denseWithoutFlattenOrBiasMatchesMXNet() {
        Dense d = Dense.builder(5).flatten(false).useBias(false).build();
        d.initialize(new Xavier());
        LayerConformance.assertMatchesMXNet(d, Random.uniform(-1, 1, 3, 2, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "sigmoid", "tanh", "softrelu", "softsign"})
    void activationMatchesMXNet(String type) {
        LayerConformance.assertMatchesMXNet(new Activation(type), Random.uniform(-3, 3, 4, 5));
    }
}
