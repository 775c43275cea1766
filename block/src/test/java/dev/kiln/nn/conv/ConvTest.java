package dev.kiln.nn.conv;

import dev.kiln.block.HybridSequential;
import dev.kiln.init.Constant;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class ConvTest {

    @Test
    void parametersAreNamedAndShapedAsGluonsWithDeferredInputChannels() {
        Conv2D c = new Conv2D(16, 3, "relu");
        assertThat(c.prefix()).isEqualTo("conv0_");
        assertThat(c.collectParams().keys()).containsExactly("conv0_weight", "conv0_bias");
        assertThat(c.weight().shape()).isEqualTo(Shape.partial(16, Shape.UNKNOWN, 3, 3));
        assertThat(c.bias().shape()).isEqualTo(Shape.of(16));
        assertThat(c.children().get("act").prefix()).isEqualTo("conv0_relu_");
        c.initialize();
        c.call(Random.uniform(-1, 1, 1, 3, 5, 5));
        assertThat(c.weight().shape()).isEqualTo(Shape.of(16, 3, 3, 3));

        assertThat(Conv1D.builder(8, 3).inChannels(4).build().weight().shape()).isEqualTo(Shape.of(8, 4, 3));
        assertThat(Conv3D.builder(6, 1, 2, 3).inChannels(4).groups(2).build().weight().shape())
                .isEqualTo(Shape.of(6, 2, 1, 2, 3));
        assertThat(Conv2D.builder(4, 3, 2).layout("NHWC").inChannels(6).groups(2).build().weight().shape())
                .isEqualTo(Shape.of(4, 3, 2, 3));
        assertThat(Conv3D.builder(4, 2).layout("NDHWC").useBias(false).build().weight().shape())
                .isEqualTo(Shape.partial(4, 2, 2, 2, Shape.UNKNOWN));
    }

    @Test
    void reprShowsGluonsFieldsOnlyWhereTheyDifferFromTheDefaults() {
        Conv2D plain = new Conv2D(16, 3);
        assertThat(plain).hasToString("Conv2D(None -> 16, kernel_size=(3, 3), stride=(1, 1))");
        plain.initialize();
        plain.call(Random.uniform(-1, 1, 1, 3, 4, 4));
        assertThat(plain).hasToString("Conv2D(3 -> 16, kernel_size=(3, 3), stride=(1, 1))");
        assertThat(Conv1D.builder(4, 3).strides(2).padding(1).dilation(2).groups(2).inChannels(6).useBias(false)
                .activation("tanh").build())
                .hasToString("Conv1D(3 -> 4, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=2,"
                        + " bias=False, Activation(tanh))");
        assertThat(Conv3D.builder(2, 1, 2, 3).padding(0, 1, 0).build())
                .hasToString("Conv3D(None -> 2, kernel_size=(1, 2, 3), stride=(1, 1, 1), padding=(0, 1, 0))");
        // Gluon 1.x prints weight.shape[1] on the left, which channels last is the kernel height
        assertThat(Conv2D.builder(5, 2, 3).layout("NHWC").inChannels(7).build())
                .hasToString("Conv2D(2 -> 5, kernel_size=(2, 3), stride=(1, 1))");
    }

    @Test
    void computesTheGroupedStridedDilatedPaddedConvolutionPlusBias() {
        Conv2D c = Conv2D.builder(4, 3, 2).strides(2, 1).padding(1, 2).dilation(1, 2).groups(2).inChannels(6)
                .build();
        c.initialize(new Xavier());
        c.bias().setData(NDArray.of(Shape.of(4), 0.5f, -0.25f, 1f, 0f));
        NDArray x = Random.uniform(-1, 1, 2, 6, 5, 4);
        Grid expected = Reference.conv(Grid.of(x), Grid.of(c.weight().data()), c.bias().data().toDoubleArray(),
                new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 2}, 2);
        assertThat(c.call(x)).hasShape(expected.dims()).isCloseTo(expected.v(), 1e-5, 1e-6);
    }

    @Test
    void convolvesOneAndThreeDimensionalDataAsThePlainLoopDoes() {
        Conv1D c1 = Conv1D.builder(3, 2).strides(2).padding(1).activation("relu").build();
        c1.initialize(new Xavier());
        NDArray x1 = Random.uniform(-1, 1, 2, 2, 5);
        NDArray y1 = c1.call(x1);
        Grid e1 = Reference.conv(Grid.of(x1), Grid.of(c1.weight().data()), new double[3], new int[] {2},
                new int[] {1}, new int[] {1}, 1);
        for (int i = 0; i < e1.v().length; i++) {
            e1.v()[i] = Math.max(0, e1.v()[i]);
        }
        assertThat(y1).hasShape(2, 3, 3).isCloseTo(e1.v(), 1e-5, 1e-6);

        Conv3D c3 = Conv3D.builder(2, 2, 1, 2).useBias(false).dilation(1, 1, 2).build();
        c3.initialize(new Xavier());
        NDArray x3 = Random.uniform(-1, 1, 1, 2, 3, 2, 4);
        NDArray y3 = c3.call(x3);
        Grid e3 = Reference.conv(Grid.of(x3), Grid.of(c3.weight().data()), null, new int[] {1, 1, 1},
                new int[] {0, 0, 0}, new int[] {1, 1, 2}, 1);
        assertThat(y3).hasShape(e3.dims()).isCloseTo(e3.v(), 1e-5, 1e-6);
    }

    @Test
    void channelLastLayoutsComputeTheChannelFirstResultWithTheChannelAxisMoved() {
        Conv2D c = Conv2D.builder(4, 2, 3).layout("NHWC").groups(2).padding(1).build();
        c.initialize(new Xavier());
        c.bias().setData(NDArray.of(Shape.of(4), 1f, 2f, 3f, 4f));
        NDArray x = Random.uniform(-1, 1, 2, 4, 3, 6);
        NDArray y = c.call(x);
        Grid expected = Reference.conv(Grid.of(x).channelFirst(), Grid.of(c.weight().data()).channelFirst(),
                new double[] {1, 2, 3, 4}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2).channelLast();
        assertThat(y).hasShape(expected.dims()).isCloseTo(expected.v(), 1e-5, 1e-6);
    }

    @Test
    void passesTheLayerChecksAcrossItsOptions() {
        Conv1D c1 = Conv1D.builder(2, 2).strides(2).padding(1).build();
        c1.initialize(new Xavier());
        LayerCheck.of(c1, Random.uniform(-1, 1, 2, 2, 5)).expectShape(2, 2, 3).run();

        Conv2D c2 = Conv2D.builder(4, 2).groups(2).dilation(2).padding(1).strides(1, 2).useBias(false)
                .activation("tanh").build();
        c2.initialize(new Xavier());
        LayerCheck.of(c2, Random.uniform(-1, 1, 1, 2, 4, 5)).expectShape(1, 4, 4, 3).run();

        Conv2D nhwc = Conv2D.builder(2, 2).layout("NHWC").activation("sigmoid").build();
        nhwc.initialize(new Xavier());
        LayerCheck.of(nhwc, Random.uniform(-1, 1, 1, 3, 3, 2)).expectShape(1, 2, 2, 2).run();

        Conv3D c3 = Conv3D.builder(2, 2).layout("NDHWC").groups(2).build();
        c3.initialize(new Xavier());
        LayerCheck.of(c3, Random.uniform(-1, 1, 1, 2, 2, 3, 2)).expectShape(1, 1, 1, 2, 2).run();
    }

    @Test
    void deferredInputChannelsAreInferredForEveryLayoutAndGroupCount() {
        Conv2D grouped = Conv2D.builder(6, 1).groups(3).build();
        grouped.initialize();
        assertThat(grouped.inferShape(Shape.of(2, 9, 4, 4))).containsExactly(Shape.of(2, 6, 4, 4));
        assertThat(grouped.weight().shape()).isEqualTo(Shape.of(6, 3, 1, 1));

        Conv3D last = Conv3D.builder(2, 1, 2, 1).layout("NDHWC").build();
        last.initialize();
        last.call(Random.uniform(-1, 1, 1, 2, 3, 2, 5));
        assertThat(last.weight().shape()).isEqualTo(Shape.of(2, 1, 2, 1, 5));
        assertThat(last.weight().isInitialized()).isTrue();
    }

    @Test
    void tracesOneConvolutionNodeNamedFwdWithGluonsAttributes() {
        Conv2D c = Conv2D.builder(3, 2).strides(2).useBias(false).build();
        Symbol s = c.trace(true);
        assertThat(s.listArguments()).containsExactly("data", "conv0_weight");
        String json = s.toJson();
        assertThat(json).contains("\"op\": \"Convolution\"", "\"name\": \"conv0_fwd\"", "\"kernel\": \"(2, 2)\"",
                "\"stride\": \"(2, 2)\"", "\"no_bias\": \"True\"", "\"layout\": \"NCHW\"", "\"num_filter\": \"3\"");
    }

    @Test
    void builderSetsInitialisersPrefixAndSharedParameters() {
        Conv1D a = Conv1D.builder(2, 1).prefix("c_").inChannels(1).weightInitializer(new Constant(3))
                .biasInitializer("ones").build();
        Conv1D b = Conv1D.builder(2, 1).params(a.params()).inChannels(1).biasInitializer("ones").build();
        assertThat(a.collectParams().keys()).containsExactly("c_weight", "c_bias");
        assertThat(b.weight()).isSameAs(a.weight());
        a.initialize(new Constant(-1));
        assertThat(a.weight().data()).isCloseTo(new double[] {3, 3}, 0, 0);
        NDArray x = NDArray.of(Shape.of(1, 1, 2), 1f, 2f);
        assertThat(b.call(x)).isCloseTo(new double[] {4, 7, 4, 7}, 1e-6, 0);
    }

    @Test
    void theDocumentedNetworkNamesItsLayersAndPoolsToOnePositionPerChannel() {
        HybridSequential net = new HybridSequential();
        try (var scope = net.nameScope()) {
            net.add(Conv2D.builder(16, 3).padding(1).activation("relu").build(), new MaxPool2D(),
                    Conv2D.builder(32, 3).strides(2).groups(2).useBias(false).build(), new GlobalAvgPool2D());
        }
        net.initialize(new Xavier());
        assertThat(net.call(Random.uniform(-1, 1, 8, 3, 32, 32))).hasShape(8, 32, 1, 1);
        assertThat(net.collectParams().keys()).containsExactly("hybridsequential0_conv0_weight",
                "hybridsequential0_conv0_bias", "hybridsequential0_conv1_weight");
        assertThat(((Conv2D) net.get(2)).weight().shape())
                .isEqualTo(Shape.of(32, 8, 3, 3));
        assertThat(net.get(1).prefix()).isEqualTo("hybridsequential0_pool0_");
    }

    @Test
    void rejectsBadArgumentsWithTheLayerAndValuesNamed() {
        assertThatThrownBy(() -> new Conv2D(0, 3)).hasMessage("Conv2D: channels must be positive, got 0");
        assertThatThrownBy(() -> Conv2D.builder(4, 3, 3, 3).build())
                .hasMessage("Conv2D: kernelSize must be one number or 2 numbers, got (3, 3, 3)");
        assertThatThrownBy(() -> new Conv1D(4, 0)).hasMessage("Conv1D: kernelSize must be positive, got (0,)");
        assertThatThrownBy(() -> Conv3D.builder(4, 3).strides(1, 2).build())
                .hasMessage("Conv3D: strides must be one number or 3 numbers, got (1, 2)");
        assertThatThrownBy(() -> Conv2D.builder(4, 3).padding(-1).build())
                .hasMessage("Conv2D: padding must be non-negative, got (-1,)");
        assertThatThrownBy(() -> Conv2D.builder(4, 3).dilation(0).build())
                .hasMessage("Conv2D: dilation must be positive, got (0,)");
        assertThatThrownBy(() -> Conv2D.builder(4, 3).groups(3).build())
                .hasMessage("Conv2D: groups=3 must divide channels=4");
        assertThatThrownBy(() -> Conv2D.builder(4, 3).groups(2).inChannels(3).build())
                .hasMessage("Conv2D: groups=2 must divide inChannels=3");
        assertThatThrownBy(() -> Conv2D.builder(4, 3).groups(0).build())
                .hasMessage("Conv2D: groups must be positive, got 0");
        assertThatThrownBy(() -> Conv1D.builder(4, 3).layout("NWC").build())
                .hasMessage("Conv1D: layout must be NCW (the only one Gluon supports here), got NWC");
        assertThatThrownBy(() -> Conv2D.builder(4, 3).layout("NCW").build())
                .hasMessage("Conv2D: layout must be NCHW or NHWC, got NCW");
    }

    @Test
    void dataOfTheWrongRankFailsNamingTheLayerAndTheOp() {
        Conv2D c = new Conv2D(2, 3);
        c.initialize();
        assertThatThrownBy(() -> c.call(Random.uniform(-1, 1, 1, 2, 5)))
                .hasMessageContaining("conv0")
                .hasStackTraceContaining("data must be 4-D");
    }
}
