package dev.kiln.conformance;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridSequential;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Uniform;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.GlobalAvgPool2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A hybridized network trained a step in Kiln (forward and backward through the compiled graph) against the same
 * graph run by MXNet 1.9 as a cached op under autograd: outputs, every parameter's gradient and BatchNorm's moving
 * statistics after the step agree. (MXNet moves the statistics in backward, Kiln in the training forward; after a
 * step they are the same.)
 */
@ExtendWith(FreshNames.class)
class HybridizeConformanceTest {
    @BeforeAll
    static void mxnetAvailable() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    private static HybridSequential convNet() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Conv2D(4, 3), BatchNorm.builder().momentum(0.7).build(), new Activation("relu"),
                    new GlobalAvgPool2D(), new Dense(3));
        }
        net.initialize(new Uniform(0.5));
        return net;
    }

    @Test
    void trainingForwardOfAHybridizedNetUpdatesMovingStatisticsAsMXNetDoes() {
        HybridSequential net = convNet();
        NDArray x = Random.uniform(-1, 1, 2, 3, 6, 6);
        net.call(x); // completes deferred shapes
        BatchNorm bn = (BatchNorm) net.get(1);
        Map<String, NDArray> before = new LinkedHashMap<>();
        before.put("data", x);
        net.collectParams().asMap().forEach((k, p) -> before.put(k, p.data().copy()));

        net.hybridize(HybridizeOptions.builder().inlineLimit(0).build());
        NDArray y;
        NDArray loss;
        try (var ignored = Autograd.record()) {
            y = net.call(x);
            loss = Ops.call("sum", y);
        }
        loss.backward();

        java.util.Set<String> wrt = new java.util.HashSet<>();
        net.collectParams().asMap().forEach((k, p) -> {
            if (p.gradReq() != dev.kiln.autograd.GradReq.NULL) {
                wrt.add(k);
            }
        });
        MXSymbol.TrainStep mxnet;
        try (MXSymbol mx = MXSymbol.fromJson(MXNet.get(), net.trace(true).toJson())) {
            mxnet = mx.trainStep(before, wrt);
        }
        assertThat(ArrayComparison.compare(y, mxnet.outputs().get(0), Tolerance.FLOAT32)).as("output").isEmpty();
        assertThat(wrt).hasSize(6);
        for (String name : wrt) {
            assertThat(ArrayComparison.compare(net.collectParams().parameter(name).grad(),
                    mxnet.gradients().get(name), Tolerance.FLOAT32)).as("gradient of " + name).isEmpty();
        }
        assertThat(ArrayComparison.compare(bn.runningMean().data(), mxnet.inputsAfter().get(bn.runningMean().name()),
                Tolerance.FLOAT32)).as("running mean").isEmpty();
        assertThat(ArrayComparison.compare(bn.runningVar().data(), mxnet.inputsAfter().get(bn.runningVar().name()),
                Tolerance.FLOAT32)).as("running var").isEmpty();
        assertThat(ArrayComparison.compare(bn.runningMean().data(), before.get(bn.runningMean().name()),
                Tolerance.FLOAT32)).as("the statistics moved").isPresent();
    }
}
