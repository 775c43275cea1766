package dev.kiln.nn.conv;

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
class PoolTest {

    @Test
    void poolingLayersAreNamedPoolAndHaveNoParameters() {
        MaxPool2D m = new MaxPool2D();
        GlobalAvgPool1D g = new GlobalAvgPool1D();
        assertThat(m.prefix()).isEqualTo("pool0_");
        assertThat(g.prefix()).isEqualTo("pool1_");
        assertThat(m.collectParams().keys()).isEmpty();
        assertThat(AvgPool3D.builder().prefix("p_").build().prefix()).isEqualTo("p_");
    }

    @Test
    void reprIsGluonsWithStridesDefaultingToThePoolSize() {
        assertThat(new MaxPool2D()).hasToString("MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0),"
                + " ceil_mode=False, global_pool=False, pool_type=max, layout=NCHW)");
        assertThat(AvgPool1D.builder().poolSize(3).strides(1).padding(1).ceilMode(true).countIncludePad(false)
                .layout("NWC").build()).hasToString("AvgPool1D(size=(3,), stride=(1,), padding=(1,), ceil_mode=True,"
                + " global_pool=False, pool_type=avg, layout=NWC)");
        assertThat(new MaxPool3D(3, 2, 1)).hasToString("MaxPool3D(size=(3, 3, 3), stride=(2, 2, 2),"
                + " padding=(1, 1, 1), ceil_mode=False, global_pool=False, pool_type=max, layout=NCDHW)");
        assertThat(new GlobalAvgPool3D()).hasToString("GlobalAvgPool3D(size=(1, 1, 1), stride=(1, 1, 1),"
                + " padding=(0, 0, 0), ceil_mode=True, global_pool=True, pool_type=avg, layout=NCDHW)");
        assertThat(new GlobalMaxPool2D("NHWC")).hasToString("GlobalMaxPool2D(size=(1, 1), stride=(1, 1),"
                + " padding=(0, 0), ceil_mode=True, global_pool=True, pool_type=max, layout=NHWC)");
    }

    @Test
    void maxPoolingTakesTheLargestElementOfEachPaddedWindow() {
        NDArray x = Random.uniform(-1, 1, 2, 3, 5, 6);
        Grid expected = Reference.pool(Grid.of(x), new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, true,
                false, true);
        assertThat(new MaxPool2D(3, 2, 1).call(x)).hasShape(2, 3, 3, 3).isCloseTo(expected.v(), 0, 0);

        NDArray x3 = Random.uniform(-1, 1, 1, 2, 3, 5, 6);
        Grid e3 = Reference.pool(Grid.of(x3), new int[] {2, 1, 2}, new int[] {1, 2, 2}, new int[] {0, 0, 1}, true,
                true, true);
        assertThat(MaxPool3D.builder().poolSize(2, 1, 2).strides(1, 2, 2).padding(0, 0, 1).ceilMode(true).build()
                .call(x3)).hasShape(1, 2, 2, 3, 4).isCloseTo(e3.v(), 0, 0);
    }

    @Test
    void averagePoolingCountsPaddingInTheDivisorUnlessToldNot() {
        NDArray x = Random.uniform(-1, 1, 1, 2, 5, 4);
        for (boolean include : new boolean[] {true, false}) {
            AvgPool2D p = AvgPool2D.builder().poolSize(3, 2).strides(2, 1).padding(1).ceilMode(true)
                    .countIncludePad(include).build();
            Grid expected = Reference.pool(Grid.of(x), new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}, false,
                    true, include);
            assertThat(p.call(x)).as("countIncludePad " + include).hasShape(1, 2, 3, 5)
                    .isCloseTo(expected.v(), 1e-6, 1e-7);
        }
        // by hand: (1, 2, 3, 4) padded by one on each side has windows (pad, 1), (2, 3) and (4, pad), divided by 2
        // with the padding counted, else by 1, 2 and 1
        NDArray row = NDArray.of(Shape.of(1, 1, 4), 1f, 2f, 3f, 4f);
        assertThat(new AvgPool1D(2, 2, 1).call(row)).isCloseTo(new double[] {0.5, 2.5, 2}, 1e-6, 0);
        assertThat(AvgPool1D.builder().padding(1).countIncludePad(false).build().call(row))
                .isCloseTo(new double[] {1, 2.5, 4}, 1e-6, 0);
    }

    @Test
    void globalPoolingReducesEachWholeSpatialExtentInEitherLayout() {
        NDArray x = Random.uniform(-1, 1, 2, 3, 4, 5);
        Grid avg = Reference.pool(Grid.of(x), new int[] {4, 5}, new int[] {1, 1}, new int[] {0, 0}, false, false,
                true);
        assertThat(new GlobalAvgPool2D().call(x)).hasShape(2, 3, 1, 1).isCloseTo(avg.v(), 1e-6, 1e-7);
        NDArray last = Random.uniform(-1, 1, 2, 4, 3);
        Grid max = Reference.pool(Grid.of(last).channelFirst(), new int[] {4}, new int[] {1}, new int[] {0}, true,
                false, true).channelLast();
        assertThat(new GlobalMaxPool1D("NWC").call(last)).hasShape(2, 1, 3).isCloseTo(max.v(), 0, 0);
    }

    @Test
    void channelLastPoolingPoolsTheSpatialAxesAroundTheChannels() {
        NDArray x = Random.uniform(-1, 1, 1, 4, 5, 3);
        Grid expected = Reference.pool(Grid.of(x).channelFirst(), new int[] {2, 2}, new int[] {2, 2},
                new int[] {0, 0}, false, false, true).channelLast();
        assertThat(AvgPool2D.builder().layout("NHWC").build().call(x)).hasShape(1, 2, 2, 3)
                .isCloseTo(expected.v(), 1e-6, 1e-7);
    }

    @Test
    void passesTheLayerChecksAcrossItsOptions() {
        LayerCheck.of(MaxPool1D.builder().layout("NWC").poolSize(3).strides(1).padding(1).build(),
                Random.uniform(-1, 1, 2, 4, 2)).expectShape(2, 4, 2).run();
        LayerCheck.of(AvgPool2D.builder().poolSize(2, 3).padding(1, 0).ceilMode(true).countIncludePad(false).build(),
                Random.uniform(-1, 1, 1, 2, 4, 4)).expectShape(1, 2, 3, 2).run();
        LayerCheck.of(new MaxPool3D(), Random.uniform(-1, 1, 1, 1, 2, 4, 3)).expectShape(1, 1, 1, 2, 1).run();
        LayerCheck.of(AvgPool3D.builder().layout("NDHWC").strides(1).build(), Random.uniform(-1, 1, 1, 3, 2, 2, 2))
                .expectShape(1, 2, 1, 1, 2).run();
        LayerCheck.of(new GlobalMaxPool2D("NHWC"), Random.uniform(-1, 1, 2, 2, 3, 2)).expectShape(2, 1, 1, 2).run();
        LayerCheck.of(new GlobalAvgPool1D(), Random.uniform(-1, 1, 2, 3, 4)).expectShape(2, 3, 1).run();
        LayerCheck.of(new GlobalAvgPool3D("NDHWC"), Random.uniform(-1, 1, 1, 2, 1, 2, 3))
                .expectShape(1, 1, 1, 1, 3).run();
        LayerCheck.of(new GlobalMaxPool3D(), Random.uniform(-1, 1, 1, 2, 1, 2, 3)).expectShape(1, 2, 1, 1, 1).run();
    }

    @Test
    void tracesOnePoolingNodeWithGluonsAttributes() {
        String avg = AvgPool2D.builder().countIncludePad(false).build().trace(true).toJson();
        assertThat(avg).contains("\"op\": \"Pooling\"", "\"name\": \"pool0_fwd\"", "\"kernel\": \"(2, 2)\"",
                "\"stride\": \"(2, 2)\"", "\"pad\": \"(0, 0)\"", "\"pool_type\": \"avg\"", "\"global_pool\": \"False\"",
                "\"pooling_convention\": \"valid\"", "\"count_include_pad\": \"False\"", "\"layout\": \"NCHW\"");
        String global = new GlobalMaxPool1D().trace(true).toJson();
        assertThat(global).contains("\"global_pool\": \"True\"", "\"pooling_convention\": \"full\"",
                "\"kernel\": \"(1,)\"").doesNotContain("count_include_pad");
    }

    @Test
    void rejectsBadArgumentsWithTheLayerAndValuesNamed() {
        assertThatThrownBy(() -> MaxPool2D.builder().poolSize(2, 2, 2).build())
                .hasMessage("MaxPool2D: poolSize must be one number or 2 numbers, got (2, 2, 2)");
        assertThatThrownBy(() -> new AvgPool1D(0)).hasMessage("AvgPool1D: poolSize must be positive, got (0,)");
        assertThatThrownBy(() -> MaxPool3D.builder().strides(1, 0, 1).build())
                .hasMessage("MaxPool3D: strides must be positive, got (1, 0, 1)");
        assertThatThrownBy(() -> AvgPool2D.builder().padding(-1).build())
                .hasMessage("AvgPool2D: padding must be non-negative, got (-1,)");
        assertThatThrownBy(() -> new GlobalAvgPool2D("NCHWC"))
                .hasMessage("GlobalAvgPool2D: layout must be NCHW or NHWC, got NCHWC");
        assertThatThrownBy(() -> MaxPool1D.builder().layout("NCHW").build())
                .hasMessage("MaxPool1D: layout must be NCW or NWC, got NCHW");
    }
}
