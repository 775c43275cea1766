package dev.kiln.conformance;

import dev.kiln.block.HybridBlock;
import dev.kiln.init.Xavier;
import dev.kiln.nn.conv.AdaptiveAvgPool2D;
import dev.kiln.nn.conv.AvgPool1D;
import dev.kiln.nn.conv.AvgPool2D;
import dev.kiln.nn.conv.AvgPool3D;
import dev.kiln.nn.conv.Conv1D;
import dev.kiln.nn.conv.Conv1DTranspose;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.Conv2DTranspose;
import dev.kiln.nn.conv.Conv3D;
import dev.kiln.nn.conv.Conv3DTranspose;
import dev.kiln.nn.conv.GlobalAvgPool1D;
import dev.kiln.nn.conv.GlobalAvgPool2D;
import dev.kiln.nn.conv.GlobalAvgPool3D;
import dev.kiln.nn.conv.GlobalMaxPool1D;
import dev.kiln.nn.conv.GlobalMaxPool2D;
import dev.kiln.nn.conv.GlobalMaxPool3D;
import dev.kiln.nn.conv.MaxPool1D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.nn.conv.MaxPool3D;
import dev.kiln.nn.conv.ReflectionPad2D;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The convolution, pooling and padding layers against MXNet 1.9 running the same traced layer, in every layout MXNet
 * 1.9's CPU build runs. Not compared: channels-last convolutions and transposed convolutions, which MXNet's CPU
 * build refuses (asserted below; Kiln's unit tests check those layouts against the channels-first result), and
 * adaptive pooling other than 2-D average in NCHW, which runs Kiln's own {@code _contrib_AdaptiveAvgPooling} and
 * {@code _contrib_AdaptiveMaxPooling}, ops MXNet does not have (checked against a plain loop in the unit tests).
 */
@ExtendWith(FreshNames.class)
class ConvLayerConformanceTest {

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    private static void check(HybridBlock block, int... inputShape) {
        block.initialize(new Xavier());
        LayerConformance.assertMatchesMXNet(block, Random.uniform(-1, 1, inputShape));
    }

    @Test
    void convolutionsMatchMXNet() {
        check(Conv1D.builder(4, 3).strides(2).padding(1).dilation(2).groups(2).activation("relu").build(), 2, 4, 9);
        check(new Conv2D(3, 3), 2, 2, 5, 6);
        check(Conv2D.builder(4, 3, 2).strides(2, 1).padding(1, 0).dilation(1, 2).groups(2).useBias(false)
                .activation("tanh").build(), 1, 4, 6, 7);
        check(Conv3D.builder(2, 2, 1, 2).strides(1, 2, 1).padding(1).build(), 1, 3, 3, 4, 4);
        check(Conv3D.builder(4, 1).groups(2).dilation(2).activation("sigmoid").inChannels(2).build(), 2, 2, 2, 3, 2);
    }

    @Test
    void transposedConvolutionsMatchMXNet() {
        check(Conv1DTranspose.builder(3, 3).strides(2).padding(1).outputPadding(1).build(), 2, 2, 4);
        check(Conv1DTranspose.builder(4, 2).groups(2).dilation(2).useBias(false).activation("relu").build(), 1, 2, 5);
        check(new Conv2DTranspose(2, 3), 1, 3, 3, 4);
        check(Conv2DTranspose.builder(4, 3, 2).strides(2, 3).padding(1, 0).outputPadding(1, 2).dilation(1, 2)
                .groups(2).build(), 2, 4, 3, 2);
    }

    @Test
    void threeDimensionalTransposedConvolutionsMatchMXNet() {
        check(new Conv3DTranspose(2, 2), 1, 2, 2, 2, 2);
        check(Conv3DTranspose.builder(4, 2, 1, 2).strides(2, 1, 2).padding(1, 0, 0).outputPadding(1, 0, 1).groups(2)
                .activation("tanh").build(), 1, 2, 2, 3, 2);
    }

    /**
     * Not a comparison: MXNet 1.9's CPU (oneDNN) build refuses every channels-last convolution ("could not create a
     * descriptor for a dilated convolution forward propagation primitive"), so these layouts are checked against the
     * channels-first result in Kiln's unit tests. Should a later MXNet accept them, this fails and they join the
     * comparisons above.
     */
    @Test
    void mxnetCpuRefusesChannelLastConvolutions() {
        HybridBlock[] blocks = {Conv2D.builder(2, 2).layout("NHWC").build(),
                Conv3D.builder(2, 2).layout("NDHWC").build(), Conv2DTranspose.builder(2, 2).layout("NHWC").build(),
                Conv3DTranspose.builder(2, 2).layout("NDHWC").build()};
        int[][] shapes = {{1, 3, 3, 2}, {1, 3, 3, 3, 2}, {1, 3, 3, 2}, {1, 3, 3, 3, 2}};
        for (int i = 0; i < blocks.length; i++) {
            HybridBlock b = blocks[i];
            int[] shape = shapes[i];
            assertThatThrownBy(() -> check(b, shape)).as(b.toString()).isInstanceOf(MXNetException.class)
                    .hasMessageContaining("could not create a descriptor");
        }
    }

    @Test
    void maxAndAveragePoolingMatchMXNetInBothLayouts() {
        check(new MaxPool1D(), 2, 3, 7);
        check(MaxPool1D.builder().poolSize(3).strides(1).padding(1).layout("NWC").build(), 2, 5, 3);
        check(new MaxPool2D(3, 2, 1), 2, 2, 7, 6);
        check(MaxPool2D.builder().poolSize(2, 3).ceilMode(true).layout("NHWC").build(), 1, 5, 7, 2);
        check(MaxPool3D.builder().poolSize(2, 1, 2).strides(1, 2, 2).padding(0, 0, 1).ceilMode(true).build(),
                1, 2, 3, 5, 6);
        check(MaxPool3D.builder().layout("NDHWC").build(), 1, 4, 2, 4, 3);
        check(AvgPool1D.builder().padding(1).countIncludePad(false).build(), 2, 2, 6);
        check(new AvgPool1D(3, 2, 1), 1, 2, 7);
        check(AvgPool1D.builder().poolSize(3).layout("NWC").build(), 1, 6, 2);
        check(AvgPool2D.builder().poolSize(3, 2).strides(2, 1).padding(1).ceilMode(true).countIncludePad(false)
                .build(), 1, 2, 5, 4);
        check(AvgPool2D.builder().poolSize(3).strides(2).padding(1).build(), 2, 3, 6, 6);
        check(AvgPool2D.builder().layout("NHWC").padding(1).countIncludePad(false).build(), 1, 4, 5, 3);
        check(AvgPool3D.builder().padding(1).ceilMode(true).build(), 1, 2, 4, 4, 6);
        check(AvgPool3D.builder().strides(1).layout("NDHWC").countIncludePad(false).build(), 1, 3, 2, 3, 2);
    }

    @Test
    void globalPoolingMatchesMXNetInBothLayouts() {
        check(new GlobalMaxPool1D(), 2, 3, 5);
        check(new GlobalMaxPool1D("NWC"), 2, 5, 3);
        check(new GlobalMaxPool2D(), 2, 3, 4, 5);
        check(new GlobalMaxPool2D("NHWC"), 1, 4, 5, 3);
        check(new GlobalMaxPool3D(), 1, 2, 3, 4, 2);
        check(new GlobalMaxPool3D("NDHWC"), 1, 3, 4, 2, 2);
        check(new GlobalAvgPool1D(), 2, 3, 5);
        check(new GlobalAvgPool1D("NWC"), 2, 5, 3);
        check(new GlobalAvgPool2D(), 2, 3, 4, 5);
        check(new GlobalAvgPool2D("NHWC"), 1, 4, 5, 3);
        check(new GlobalAvgPool3D(), 1, 2, 3, 4, 2);
        check(new GlobalAvgPool3D("NDHWC"), 1, 3, 4, 2, 2);
    }

    @Test
    void reflectionPaddingMatchesMXNet() {
        check(new ReflectionPad2D(2), 2, 3, 4, 5);
        check(ReflectionPad2D.builder().padWidth(0, 0, 0, 0, 1, 0, 2, 1).build(), 1, 2, 3, 3);
    }

    @Test
    void twoDimensionalAdaptiveAveragePoolingMatchesMXNetsContribOp() {
        check(new AdaptiveAvgPool2D(1), 2, 3, 4, 5);
        check(new AdaptiveAvgPool2D(2, 3), 1, 2, 5, 7);
        check(new AdaptiveAvgPool2D(4), 1, 2, 3, 6);
    }
}
