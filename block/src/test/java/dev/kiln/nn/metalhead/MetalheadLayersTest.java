package dev.kiln.nn.metalhead;

import dev.kiln.autograd.Autograd;
import dev.kiln.init.Uniform;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Activation;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(FreshNames.class)
class MetalheadLayersTest {

    @Test
    void dropBlockIsTheIdentityInPredictModeAndDropsBlocksInTraining() {
        DropBlock d = new DropBlock(0.3, 3, 1.0);
        assertThat(d).hasToString("DropBlock(0.3, block_size = 3, gamma_scale = 1.0)");
        assertThat(new DropBlock()).hasToString("DropBlock(0.1, block_size = 7, gamma_scale = 1.0)");
        NDArray x = Random.uniform(1, 2, 2, 2, 8, 8);
        assertThat(d.call(x)).isEqualTo(x);
        NDArray y;
        try (var ignored = Autograd.trainMode()) {
            y = d.call(x);
        }
        int zeros = 0;
        for (int i = 0; i < y.size(); i++) {
            zeros += y.getDouble(i) == 0 ? 1 : 0;
        }
        assertThat(zeros).isPositive();
        LayerCheck.of(d, Random.uniform(-1, 1, 1, 2, 5, 5)).training(true).expectShape(1, 2, 5, 5).run();
        LayerCheck.of(d, Random.uniform(-1, 1, 1, 2, 5, 5)).expectShape(1, 2, 5, 5).run();
        assertThatThrownBy(() -> new DropBlock(1.2, 3, 1)).hasMessageContaining("between 0 and 1, got 1.2");
        assertThatThrownBy(() -> new DropBlock(0.1, 3, 1.5)).hasMessageContaining("gamma_scale");
    }

    @Test
    void stochasticDepthDropsWholeSamplesInRowModeAndEverythingTogetherInBatchMode() {
        NDArray x = Random.uniform(1, 2, 64, 3, 2);
        StochasticDepth row = new StochasticDepth(0.5);
        assertThat(row.call(x)).isEqualTo(x);
        NDArray y;
        try (var ignored = Autograd.trainMode()) {
            y = row.call(x);
        }
        int droppedRows = 0;
        for (int n = 0; n < 64; n++) {
            boolean first = y.getDouble(n * 6) == 0;
            droppedRows += first ? 1 : 0;
            for (int j = 0; j < 6; j++) {
                double expected = first ? 0 : x.getDouble(n * 6 + j) * 2;
                assertThat(y.getDouble(n * 6 + j)).isCloseTo(expected, within(1e-5));
            }
        }
        assertThat(droppedRows).isBetween(10, 54);

        StochasticDepth batch = new StochasticDepth(0.5, StochasticDepth.Mode.BATCH);
        for (int trial = 0; trial < 4; trial++) {
            NDArray b;
            try (var ignored = Autograd.trainMode()) {
                b = batch.call(x);
            }
            double ratio = b.getDouble(0) / x.getDouble(0);
            for (int i = 0; i < b.size(); i++) {
                assertThat(b.getDouble(i)).isCloseTo(x.getDouble(i) * ratio, within(1e-5));
            }
        }
        LayerCheck.of(row, Random.uniform(-1, 1, 4, 3)).training(true).expectShape(4, 3).run();
        LayerCheck.of(batch, Random.uniform(-1, 1, 2, 2, 2)).training(true).expectShape(2, 2, 2).run();
    }

    @Test
    void layerScaleMultipliesTheChannelAxisByALearnableScaleStartingAtLambda() {
        LayerScale s = new LayerScale(3, 0.1);
        s.initialize();
        assertThat(s.collectParams().keys()).containsExactly("layerscale0_scale");
        NDArray x = Random.uniform(-1, 1, 2, 4, 3);
        assertThat(s.call(x)).isCloseTo(dev.kiln.op.surface.ND.nd.mulScalar(x, 0.1), 1e-6, 1e-7);
        LayerCheck.of(s, x).expectShape(2, 4, 3).run();

        LayerScale nchw = new LayerScale(2, 0.5, -3);
        nchw.initialize();
        nchw.scale().setData(NDArray.of(Shape.of(2), 1f, 3f));
        NDArray img = Random.uniform(-1, 1, 1, 2, 2, 2);
        NDArray out = nchw.call(img);
        for (int i = 0; i < 8; i++) {
            assertThat(out.getDouble(i)).isCloseTo(img.getDouble(i) * (i < 4 ? 1 : 3), within(1e-6));
        }
        LayerCheck.of(nchw, img).expectShape(1, 2, 2, 2).run();
        assertThatThrownBy(() -> new LayerScale(3, 0)).hasMessageContaining("λ must be positive");
    }

    @Test
    void layerNormV2PutsEpsInsideTheSquareRootOverTheLastAxes() {
        LayerNormV2 ln = new LayerNormV2(new int[] {2, 3}, null, true, 1e-5);
        ln.initialize();
        assertThat(ln).hasToString("LayerNormV2(2, 3)");
        NDArray x = Random.uniform(-2, 2, 2, 2, 3);
        NDArray y = ln.call(x);
        for (int n = 0; n < 2; n++) {
            double mean = 0;
            double sq = 0;
            for (int j = 0; j < 6; j++) {
                mean += x.getDouble(n * 6 + j) / 6;
            }
            for (int j = 0; j < 6; j++) {
                sq += Math.pow(x.getDouble(n * 6 + j) - mean, 2) / 6;
            }
            for (int j = 0; j < 6; j++) {
                assertThat(y.getDouble(n * 6 + j)).isCloseTo((x.getDouble(n * 6 + j) - mean) / Math.sqrt(sq + 1e-5),
                        within(1e-5));
            }
        }
        ln.initialize(new Uniform(0.5), List.of(dev.kiln.ndarray.Device.cpu()), false, true);
        LayerCheck.of(ln, x).expectShape(2, 2, 3).run();
        LayerNormV2 act = new LayerNormV2(new int[] {3}, new Activation("tanh"), false, 1e-5);
        assertThat(act).hasToString("LayerNormV2(3, Activation(tanh), affine=false)");
        assertThat(act.collectParams().keys()).isEmpty();
        LayerCheck.of(act, Random.uniform(-1, 1, 4, 3)).expectShape(4, 3).run();
    }

    @Test
    void channelLayerNormNormalisesAcrossChannelsWithEpsOutsideTheSquareRoot() {
        ChannelLayerNorm cln = new ChannelLayerNorm(3);
        cln.initialize();
        NDArray x = Random.uniform(-2, 2, 1, 3, 2, 2);
        NDArray y = cln.call(x);
        for (int pos = 0; pos < 4; pos++) {
            double mean = 0;
            double sq = 0;
            for (int c = 0; c < 3; c++) {
                mean += x.getDouble(c * 4 + pos) / 3;
            }
            for (int c = 0; c < 3; c++) {
                sq += Math.pow(x.getDouble(c * 4 + pos) - mean, 2) / 3;
            }
            for (int c = 0; c < 3; c++) {
                assertThat(y.getDouble(c * 4 + pos)).isCloseTo((x.getDouble(c * 4 + pos) - mean)
                        / (Math.sqrt(sq) + 1e-6), within(1e-5));
            }
        }
        cln.initialize(new Uniform(0.5), List.of(dev.kiln.ndarray.Device.cpu()), false, true);
        LayerCheck.of(cln, x).expectShape(1, 3, 2, 2).run();
    }

    @Test
    void linearSchedulerSpacesRatesEvenlyBelowTheTarget() {
        assertThat(Layers.linearScheduler(0.1, 4)).containsExactly(0.0, 0.025, 0.05, 0.07500000000000001);
        assertThat(Layers.linearScheduler(0.5, 2, 0.1)).containsExactly(0.1, 0.30000000000000004);
        assertThat(Layers.linearScheduler(0.3, 0)).isEmpty();
    }
}
