package dev.kiln.nn.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class AdaptivePoolTest {

    @Test
    void namedLikePoolingWithAReprOfOutputSizeAndLayout() {
        AdaptiveAvgPool2D a = new AdaptiveAvgPool2D(1);
        assertThat(a.prefix()).isEqualTo("pool0_");
        assertThat(a.collectParams().keys()).isEmpty();
        assertThat(a).hasToString("AdaptiveAvgPool2D(output_size=(1, 1), layout=NCHW)");
        assertThat(AdaptiveMaxPool1D.builder(3).layout("NWC").build())
                .hasToString("AdaptiveMaxPool1D(output_size=(3,), layout=NWC)");
        assertThat(new AdaptiveMaxPool3D(1, 2, 3)).hasToString("AdaptiveMaxPool3D(output_size=(1, 2, 3), layout=NCDHW)");
    }

    @Test
    void poolsOverlappingAndRepeatedWindowsAsThePlainLoopDoes() {
        NDArray x = Random.uniform(-1, 1, 2, 3, 5, 7);
        Grid avg = Reference.adaptive(Grid.of(x), new int[] {2, 3}, false);
        assertThat(new AdaptiveAvgPool2D(2, 3).call(x)).hasShape(2, 3, 2, 3).isCloseTo(avg.v(), 1e-6, 1e-7);

        NDArray x3 = Random.uniform(-1, 1, 1, 2, 3, 4, 5);
        Grid max = Reference.adaptive(Grid.of(x3), new int[] {2, 1, 3}, true);
        assertThat(new AdaptiveMaxPool3D(2, 1, 3).call(x3)).hasShape(1, 2, 2, 1, 3).isCloseTo(max.v(), 0, 0);

        NDArray x1 = Random.uniform(-1, 1, 2, 2, 3);
        Grid up = Reference.adaptive(Grid.of(x1), new int[] {5}, false);
        assertThat(new AdaptiveAvgPool1D(5).call(x1)).hasShape(2, 2, 5).isCloseTo(up.v(), 1e-6, 1e-7);
    }

    @Test
    void channelLastLayoutsPoolTheSpatialAxesAroundTheChannels() {
        NDArray x = Random.uniform(-1, 1, 1, 4, 5, 3);
        Grid max = Reference.adaptive(Grid.of(x).channelFirst(), new int[] {3, 2}, true).channelLast();
        assertThat(AdaptiveMaxPool2D.builder(3, 2).layout("NHWC").build().call(x)).hasShape(1, 3, 2, 3)
                .isCloseTo(max.v(), 0, 0);
        Grid avg = Reference.adaptive(Grid.of(x).channelFirst(), new int[] {2, 2}, false).channelLast();
        assertThat(AdaptiveAvgPool2D.builder(2).layout("NHWC").build().call(x)).hasShape(1, 2, 2, 3)
                .isCloseTo(avg.v(), 1e-6, 1e-7);
    }

    @Test
    void twoDimensionalAverageInNCHWTracesToMXNetsOpAndEveryOtherCaseToKilns() {
        String mxnet = new AdaptiveAvgPool2D(2, 3).trace(true).toJson();
        assertThat(mxnet).contains("\"op\": \"_contrib_AdaptiveAvgPooling2D\"", "\"name\": \"pool0_fwd\"",
                "\"output_size\": \"(2, 3)\"").doesNotContain("layout");
        assertThat(AdaptiveAvgPool2D.builder(2).layout("NHWC").build().trace(true).toJson())
                .contains("\"op\": \"_contrib_AdaptiveAvgPooling\"", "\"layout\": \"NHWC\"");
        assertThat(new AdaptiveAvgPool3D(1).trace(true).toJson()).contains("\"op\": \"_contrib_AdaptiveAvgPooling\"");
        assertThat(new AdaptiveMaxPool2D(1).trace(true).toJson())
                .contains("\"op\": \"_contrib_AdaptiveMaxPooling\"", "\"output_size\": \"(1, 1)\"");
    }

    @Test
    void passesTheLayerChecksInBothLayouts() {
        LayerCheck.of(new AdaptiveAvgPool1D(2), Random.uniform(-1, 1, 2, 2, 5)).expectShape(2, 2, 2).run();
        LayerCheck.of(AdaptiveMaxPool1D.builder(3).layout("NWC").build(), Random.uniform(-1, 1, 1, 4, 2))
                .expectShape(1, 3, 2).run();
        LayerCheck.of(new AdaptiveAvgPool2D(2, 1), Random.uniform(-1, 1, 1, 2, 3, 3)).expectShape(1, 2, 2, 1).run();
        LayerCheck.of(AdaptiveAvgPool2D.builder(2).layout("NHWC").build(), Random.uniform(-1, 1, 1, 3, 3, 2))
                .expectShape(1, 2, 2, 2).run();
        LayerCheck.of(new AdaptiveMaxPool2D(2), Random.uniform(-1, 1, 1, 1, 3, 4)).expectShape(1, 1, 2, 2).run();
        LayerCheck.of(AdaptiveAvgPool3D.builder(1, 2, 1).layout("NDHWC").build(), Random.uniform(-1, 1, 1, 2, 3, 2,
                2)).expectShape(1, 1, 2, 1, 2).run();
        LayerCheck.of(new AdaptiveMaxPool3D(1), Random.uniform(-1, 1, 1, 2, 2, 2, 2)).expectShape(1, 2, 1, 1, 1)
                .run();
    }

    @Test
    void rejectsBadOutputSizesAndLayouts() {
        assertThatThrownBy(() -> new AdaptiveAvgPool2D(1, 2, 3))
                .hasMessage("AdaptiveAvgPool2D: outputSize must be one number or 2 numbers, got (1, 2, 3)");
        assertThatThrownBy(() -> new AdaptiveMaxPool1D(0)).hasMessage("AdaptiveMaxPool1D: outputSize must be positive,"
                + " got (0,)");
        assertThatThrownBy(() -> new AdaptiveMaxPool3D())
                .hasMessage("AdaptiveMaxPool3D: outputSize must be one number or 3 numbers, got ()");
        assertThatThrownBy(() -> AdaptiveAvgPool3D.builder(1).layout("NHWC").build())
                .hasMessage("AdaptiveAvgPool3D: layout must be NCDHW or NDHWC, got NHWC");
    }
}
