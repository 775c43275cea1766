package dev.kiln.conformance;

import dev.kiln.block.Connection;
import dev.kiln.block.HybridConcatenate;
import dev.kiln.block.HybridLambda;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.Identity;
import dev.kiln.block.Parallel;
import dev.kiln.block.SkipConnection;
import dev.kiln.init.Xavier;
import dev.kiln.nn.Dense;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The containers' traced graphs run by MXNet 1.9 as cached ops, against Kiln's eager outputs. */
@ExtendWith(FreshNames.class)
class ContainerConformanceTest {

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    @Test
    void hybridConcatenateOfDenseTowersAndIdentityMatchesMXNet() {
        HybridConcatenate net = new HybridConcatenate(1);
        try (var ignored = net.nameScope()) {
            net.add(new Dense(3, "relu"), new Dense(2), new Identity());
        }
        net.initialize(new Xavier());
        LayerConformance.assertMatchesMXNet(net, Random.uniform(-1, 1, 2, 4));
    }

    @Test
    void parallelAndSkipConnectionsMatchMXNet() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Parallel(Connection.mul(), new Dense(4, "tanh"), new HybridLambda("sigmoid")),
                    new SkipConnection(new Dense(4), Connection.add()),
                    new SkipConnection(new HybridLambda("LeakyReLU", Map.of("slope", 0.2), null),
                            Connection.concat(1)));
        }
        net.initialize(new Xavier());
        LayerConformance.assertMatchesMXNet(net, Random.uniform(-1, 1, 3, 4));
    }
}
