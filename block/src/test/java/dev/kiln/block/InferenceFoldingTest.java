package dev.kiln.block;

import dev.kiln.compiler.jit.FusedEpilogueOp;
import dev.kiln.graph.OpNode;
import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Activation;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.Ops;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hybridized Conv2D, BatchNorm, relu stack in inference: BatchNorm is folded into the convolution and the folded
 * weights are computed once per parameter change, so results agree with eager calls within float tolerance
 * (1e-4 relative, 1e-5 absolute; folding rounds differently) and follow later changes of the parameters, also
 * where the convolution keeps its Winograd filters from call to call.
 */
@ExtendWith(dev.kiln.testing.FreshNames.class)
class InferenceFoldingTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    private static NDArray uniform(Shape shape, double low, double high, long seed) {
        Random.seed(seed);
        return Ops.call("_random_uniform", Map.of("low", low, "high", high, "shape", shape));
    }

    @Test
    void hybridizedConvBatchNormReluAgreesWithEagerAndFollowsTheRunningMean() {
        HybridSequential net = new HybridSequential();
        Conv2D conv;
        BatchNorm bn;
        try (var ignored = net.nameScope()) {
            conv = Conv2D.builder(4, 3).padding(1).build();
            bn = new BatchNorm();
            net.add(conv, bn, new Activation("relu"));
        }
        net.initialize();
        NDArray x = uniform(Shape.of(2, 3, 6, 6), -1, 1, 1);
        net.call(x);
        bn.gamma().setData(uniform(Shape.of(4), 0.5, 1.5, 2));
        bn.beta().setData(uniform(Shape.of(4), -0.5, 0.5, 3));
        bn.runningMean().setData(uniform(Shape.of(4), -0.3, 0.3, 4));
        bn.runningVar().setData(uniform(Shape.of(4), 0.5, 2, 5));
        NDArray eager = net.call(x);

        net.hybridize();
        NDArray hybrid = net.call(x);
        assertThat(hybrid).isCloseTo(eager, RTOL, ATOL);
        assertThat(net.explain()).contains("rsqrt");
        assertThat(net.hybridization().cache().entries().getFirst().getValue().request().parameters())
                .containsExactlyInAnyOrder(conv.weight().name(), conv.bias().name(), bn.gamma().name(),
                        bn.beta().name(), bn.runningMean().name(), bn.runningVar().name());

        Parameter mean = bn.runningMean();
        mean.setData(uniform(Shape.of(4), -1, 1, 6));
        NDArray hybridAfter = net.call(x);
        net.hybridize(false);
        NDArray eagerAfter = net.call(x);
        assertThat(hybridAfter).isCloseTo(eagerAfter, RTOL, ATOL);
        assertThat(hybridAfter.toDoubleArray()).isNotEqualTo(hybrid.toDoubleArray());
    }

    @Test
    void aDeepConvolutionFollowsItsWeightWhileKeepingItsWinogradFiltersBetweenCalls() {
        // 128 channels on 16x16 at batch 1: 64 tiles, Winograd's with the transformed filters kept (16-lane vectors)
        HybridSequential net = new HybridSequential();
        Conv2D conv;
        BatchNorm bn;
        try (var ignored = net.nameScope()) {
            conv = Conv2D.builder(128, 3).padding(1).build();
            bn = new BatchNorm();
            net.add(conv, bn, new Activation("relu"));
        }
        net.initialize();
        NDArray x = uniform(Shape.of(1, 128, 16, 16), -1, 1, 11);
        net.call(x);
        bn.runningMean().setData(uniform(Shape.of(128), -0.3, 0.3, 12));
        NDArray eager = net.call(x);
        net.hybridize();
        NDArray first = net.call(x).copy();
        assertThat(net.call(x)).as("a second call, filters kept").isCloseTo(first, 0, 0);
        assertThat(first).isCloseTo(eager, 1e-3, 1e-4);
        var kept = net.hybridization().cache().entries().getFirst().getValue().compiledGraph().nodes().stream()
                .filter(n -> n instanceof OpNode o && o.op() instanceof FusedEpilogueOp)
                .map(n -> ((FusedEpilogueOp) ((OpNode) n).op()).derivedWeights())
                .toList();
        assertThat(kept).as("the fused convolution keeps derived weights").hasSize(1).doesNotContainNull();
        if (VectorSupport.isAvailable() && VectorSupport.floatLanes() == 16) {
            assertThat(kept.getFirst().derivations()).as("Winograd's filters, transformed once for two calls")
                    .isEqualTo(1);
        }

        conv.weight().setData(uniform(conv.weight().shape(), -0.05, 0.05, 13));
        NDArray afterWeight = net.call(x).copy();
        bn.runningMean().setData(uniform(Shape.of(128), -0.3, 0.3, 14));
        NDArray afterMean = net.call(x).copy();
        net.hybridize(false);
        assertThat(afterMean).isCloseTo(net.call(x), 1e-3, 1e-4);
        bn.runningMean().setData(uniform(Shape.of(128), -0.3, 0.3, 12));
        assertThat(afterWeight).isCloseTo(net.call(x), 1e-3, 1e-4);
        assertThat(afterWeight.toDoubleArray()).isNotEqualTo(first.toDoubleArray());
    }
}
