package dev.kiln.examples.unet;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.Differential;
import dev.kiln.block.DifferentialReport;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Worked example 3 of issue #6: the Flux UNet, small width, on a 1-channel 64x64 input; eager and traced agree. */
@ExtendWith(FreshNames.class)
class UNetTest {

    @Test
    void mapsAnImageToAnImageOfTheSameSizeInMinusOneToOne() {
        UNet net = new UNet(2);
        assertThat(net.inferShape(Shape.of(1, 1, 64, 64))).isEqualTo(List.of(Shape.of(1, 1, 64, 64)));
        net.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 1, 1, 64, 64);
        NDArray y = LayerCheck.of(net, x).expectShape(1, 1, 64, 64).withoutFiniteDifferences()
                .tolerance(1e-4, 1e-5).run().get(0);
        for (int i = 0; i < y.size(); i++) {
            assertThat(Math.abs(y.getDouble(i))).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void hybridizedUNetTrainsAsItDoesEagerly() {
        UNet net = new UNet(1);
        net.initialize(new Xavier());
        net.hybridize();
        NDArray x = Random.uniform(-1, 1, 2, 1, 32, 32);
        DifferentialReport r = Differential.of(net).inputs(x).training(true) // Dropout and BatchNorm in training
                .headGradients(Random.uniform(-1, 1, 2, 1, 32, 32)).run().assertWithin(1e-4, 1e-5);
        assertThat(r.compiledGraphs()).isEqualTo(1);
        assertThat(r.entries(DifferentialReport.Kind.STATE)).isNotEmpty();
        assertThat(r.entries(DifferentialReport.Kind.PARAMETER_GRADIENT))
                .hasSize(net.collectParams().asMap().values().stream()
                        .filter(p -> p.gradReq() != dev.kiln.autograd.GradReq.NULL).toList().size());
    }

    @Test
    void upBlocksConcatenateTheBridgeOnTheChannelAxis() {
        UNet.UpBlock up = new UNet.UpBlock(3, 0.0);
        up.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 4, 3, 3);
        NDArray bridge = Random.uniform(-1, 1, 2, 5, 6, 6);
        NDArray y = LayerCheck.of(up, x, bridge).expectShape(2, 8, 6, 6).run().get(0);
        // the last 5 channels are the bridge, untouched
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 5 * 36; j++) {
                assertThat(y.getDouble(n * 8 * 36 + 3 * 36 + j)).isEqualTo(bridge.getDouble(n * 5 * 36 + j));
            }
        }
    }

    @Test
    void trainsInTrainingModeWithGradientsReachingTheFirstConvolution() {
        UNet net = new UNet(1);
        net.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 1, 32, 32);
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = net.call(x);
        }
        Autograd.backward(List.of(y), null, false);
        var first = net.collectParams().asMap().entrySet().stream()
                .filter(e -> e.getKey().endsWith("conv0_weight")).findFirst().orElseThrow().getValue();
        assertThat(y).hasShape(2, 1, 32, 32);
        double norm = 0;
        NDArray g = first.grad();
        for (int i = 0; i < g.size(); i++) {
            norm += Math.abs(g.getDouble(i));
        }
        assertThat(norm).isGreaterThan(0);
    }
}
