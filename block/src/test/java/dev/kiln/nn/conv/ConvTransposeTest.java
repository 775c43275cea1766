package dev.kiln.nn.conv;

import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class ConvTransposeTest {

    @Test
    void weightIsInputChannelsFirstAsGluonsWithDeferredInputChannels() {
        Conv2DTranspose c = new Conv2DTranspose(16, 3);
        assertThat(c.prefix()).isEqualTo("conv0_");
        assertThat(c.collectParams().keys()).containsExactly("conv0_weight", "conv0_bias");
        assertThat(c.weight().shape()).isEqualTo(Shape.partial(Shape.UNKNOWN, 16, 3, 3));
        assertThat(c.bias().shape()).isEqualTo(Shape.of(16));
        c.initialize();
        assertThat(c.call(Random.uniform(-1, 1, 1, 3, 4, 4))).hasShape(1, 16, 6, 6);
        assertThat(c.weight().shape()).isEqualTo(Shape.of(3, 16, 3, 3));

        assertThat(Conv1DTranspose.builder(3, 2).inChannels(2).build().weight().shape()).isEqualTo(Shape.of(2, 3, 2));
        assertThat(Conv2DTranspose.builder(4, 2).groups(2).inChannels(6).build().weight().shape())
                .isEqualTo(Shape.of(6, 2, 2, 2));
        assertThat(Conv2DTranspose.builder(4, 2, 3).layout("NHWC").groups(2).inChannels(6).build().weight().shape())
                .isEqualTo(Shape.of(6, 2, 3, 2));
        assertThat(Conv3DTranspose.builder(2, 1).layout("NDHWC").build().weight().shape())
                .isEqualTo(Shape.partial(Shape.UNKNOWN, 1, 1, 1, 2));
    }

    @Test
    void reprIsGluon1xsWhichPrintsTheWeightAxesInStorageOrderAndNoOutputPadding() {
        Conv2DTranspose c = new Conv2DTranspose(16, 3);
        assertThat(c).hasToString("Conv2DTranspose(16 -> 0, kernel_size=(3, 3), stride=(1, 1))");
        c.initialize();
        c.call(Random.uniform(-1, 1, 1, 3, 2, 2));
        assertThat(c).hasToString("Conv2DTranspose(16 -> 3, kernel_size=(3, 3), stride=(1, 1))");
        assertThat(Conv1DTranspose.builder(4, 3).strides(2).outputPadding(1).padding(1).groups(2).inChannels(2)
                .useBias(false).activation("relu").build())
                .hasToString("Conv1DTranspose(2 -> 2, kernel_size=(3,), stride=(2,), padding=(1,), groups=2,"
                        + " bias=False, Activation(relu))");
    }

    @Test
    void computesTheGroupedStridedPaddedTransposedConvolutionWithOutputPadding() {
        Conv2DTranspose c = Conv2DTranspose.builder(4, 3, 2).strides(2, 3).padding(1, 0).outputPadding(1, 2)
                .dilation(1, 2).groups(2).inChannels(4).build();
        c.initialize(new Xavier());
        c.bias().setData(NDArray.of(Shape.of(4), 0.5f, -0.25f, 1f, 0f));
        NDArray x = Random.uniform(-1, 1, 2, 4, 3, 2);
        NDArray y = c.call(x);
        Grid expected = Reference.deconv(Grid.of(x), Grid.of(c.weight().data()), c.bias().data().toDoubleArray(),
                new int[] {2, 3}, new int[] {1, 0}, new int[] {1, 2}, new int[] {1, 2}, 2);
        assertThat(y).hasShape(2, 4, 6, 8).isCloseTo(expected.v(), 1e-5, 1e-6);
    }

    @Test
    void transposesOneAndThreeDimensionalAndChannelLastDataAsThePlainLoopDoes() {
        Conv1DTranspose c1 = Conv1DTranspose.builder(3, 3).strides(2).padding(1).outputPadding(1).build();
        c1.initialize(new Xavier());
        NDArray x1 = Random.uniform(-1, 1, 2, 2, 4);
        NDArray y1 = c1.call(x1);
        Grid e1 = Reference.deconv(Grid.of(x1), Grid.of(c1.weight().data()), new double[3], new int[] {2},
                new int[] {1}, new int[] {1}, new int[] {1}, 1);
        assertThat(y1).hasShape(2, 3, 8).isCloseTo(e1.v(), 1e-5, 1e-6);

        Conv3DTranspose c3 = Conv3DTranspose.builder(2, 2, 1, 2).strides(1, 2, 2).useBias(false).build();
        c3.initialize(new Xavier());
        NDArray x3 = Random.uniform(-1, 1, 1, 2, 2, 2, 3);
        NDArray y3 = c3.call(x3);
        Grid e3 = Reference.deconv(Grid.of(x3), Grid.of(c3.weight().data()), null, new int[] {1, 2, 2},
                new int[] {0, 0, 0}, new int[] {1, 1, 1}, new int[] {0, 0, 0}, 1);
        assertThat(y3).hasShape(1, 2, 3, 3, 6).isCloseTo(e3.v(), 1e-5, 1e-6);

        Conv2DTranspose last = Conv2DTranspose.builder(2, 2).layout("NHWC").strides(2).useBias(false).build();
        last.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 1, 2, 3, 3);
        NDArray y = last.call(x);
        Grid e = Reference.deconv(Grid.of(x).channelFirst(), Grid.of(last.weight().data()).channelFirst(), null,
                new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, new int[] {0, 0}, 1).channelLast();
        assertThat(y).hasShape(1, 4, 6, 2).isCloseTo(e.v(), 1e-5, 1e-6);
    }

    @Test
    void passesTheLayerChecksAcrossItsOptions() {
        Conv1DTranspose c1 = Conv1DTranspose.builder(2, 2).strides(2).outputPadding(1).activation("tanh").build();
        c1.initialize(new Xavier());
        LayerCheck.of(c1, Random.uniform(-1, 1, 2, 1, 3)).expectShape(2, 2, 7).run();

        Conv2DTranspose c2 = Conv2DTranspose.builder(2, 2).groups(2).dilation(2).padding(1).useBias(false).build();
        c2.initialize(new Xavier());
        LayerCheck.of(c2, Random.uniform(-1, 1, 1, 2, 2, 3)).expectShape(1, 2, 2, 3).run();

        Conv2DTranspose nhwc = Conv2DTranspose.builder(2, 2).layout("NHWC").strides(2, 1).build();
        nhwc.initialize(new Xavier());
        LayerCheck.of(nhwc, Random.uniform(-1, 1, 1, 2, 2, 1)).expectShape(1, 4, 3, 2).run();

        Conv3DTranspose c3 = Conv3DTranspose.builder(1, 2).layout("NDHWC").build();
        c3.initialize(new Xavier());
        LayerCheck.of(c3, Random.uniform(-1, 1, 1, 1, 2, 1, 2)).expectShape(1, 2, 3, 2, 1).run();
    }

    @Test
    void tracesOneDeconvolutionNodeWithAdjAndBias() {
        Conv2DTranspose c = Conv2DTranspose.builder(3, 2).strides(2).outputPadding(1).build();
        String json = c.trace(true).toJson();
        assertThat(json).contains("\"op\": \"Deconvolution\"", "\"name\": \"conv0_fwd\"", "\"adj\": \"(1, 1)\"",
                "\"no_bias\": \"False\"", "\"layout\": \"NCHW\"");
    }

    @Test
    void rejectsOutputPaddingNotBelowTheStrideOrOfTheWrongLength() {
        assertThatThrownBy(() -> Conv2DTranspose.builder(2, 3).strides(2, 1).outputPadding(1).build())
                .hasMessage("Conv2DTranspose: outputPadding=(1, 1) must be smaller than strides=(2, 1) on every"
                        + " axis");
        assertThatThrownBy(() -> Conv3DTranspose.builder(2, 3).strides(2).outputPadding(1, 1).build())
                .hasMessage("Conv3DTranspose: outputPadding must be one number or 3 numbers, got (1, 1)");
        assertThatThrownBy(() -> Conv1DTranspose.builder(2, 3, 3).build())
                .hasMessage("Conv1DTranspose: kernelSize must be one number, got (3, 3)");
        assertThatThrownBy(() -> Conv2DTranspose.builder(3, 3).groups(2).build())
                .hasMessage("Conv2DTranspose: groups=2 must divide channels=3");
    }
}
