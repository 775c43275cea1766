package dev.kiln.nn.metalhead;

import dev.kiln.block.Connection;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.Identity;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Activation;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.nn.norm.GroupNorm;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.kiln.op.surface.ND.nd;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class MetalheadFactoriesTest {
    private static final int[] K3 = {3, 3};

    private static List<String> kinds(List<HybridBlock> layers) {
        return layers.stream().map(b -> b.getClass().getSimpleName()).toList();
    }

    @Test
    void convNormPutsTheNormAfterTheConvAndTheActivationAfterTheNorm() {
        List<HybridBlock> layers = Layers.convNorm(K3, 4, 8);
        assertThat(kinds(layers)).containsExactly("Conv2D", "BatchNorm", "Activation");
        assertThat(layers.get(0).collectParams().keys()).noneMatch(k -> k.endsWith("bias"));
        assertThat(((Activation) layers.get(2)).activation()).isEqualTo("relu");
    }

    @Test
    void preactPutsTheActivationOnTheConvAndRevnormReversesTheLayers() {
        List<HybridBlock> pre = ConvNorm.of(K3, 4, 8).preact(true).build();
        assertThat(kinds(pre)).containsExactly("Conv2D", "BatchNorm");
        assertThat(pre.get(0).toString()).contains("Activation(relu)");
        List<HybridBlock> rev = ConvNorm.of(K3, 4, 8).revnorm(true).build();
        assertThat(kinds(rev)).containsExactly("BatchNorm", "Conv2D");
        assertThat(rev.get(1).toString()).contains("Activation(relu)");
        assertThatThrownBy(() -> ConvNorm.of(K3, 4, 8).preact(true).revnorm(true).build())
                .hasMessageContaining("preact and revnorm cannot be set at the same time");
    }

    @Test
    void withoutANormLayerOnlyTheConvWithBiasAndActivation() {
        List<HybridBlock> only = ConvNorm.of(K3, 4, 8).normLayer(null).activation("sigmoid").build();
        assertThat(kinds(only)).containsExactly("Conv2D");
        assertThat(only.get(0).collectParams().keys()).anyMatch(k -> k.endsWith("bias"));
        assertThat(only.get(0).toString()).contains("Activation(sigmoid)");
        assertThatThrownBy(() -> ConvNorm.of(K3, 4, 8).normLayer(null).preact(true).build())
                .hasMessageContaining("need a norm layer");
    }

    @Test
    void convNormRunsAsASequenceWithStridePaddingAndGroups() {
        HybridSequential seq = new HybridSequential();
        ConvNorm.of(K3, 2, 4).stride(2).pad(1).groups(2).build().forEach(seq::add);
        seq.initialize(new Xavier());
        LayerCheck.of(seq, Random.uniform(-1, 1, 2, 2, 5, 5)).expectShape(2, 4, 3, 3).run();
        LayerCheck.of(seq, Random.uniform(-1, 1, 2, 2, 5, 5)).training(true).expectShape(2, 4, 3, 3).run();
    }

    @Test
    void basicConvBnUsesTensorFlowsEpsilon() {
        List<HybridBlock> layers = Layers.basicConvBn(K3, 3, 6, "relu", true).build();
        assertThat(((BatchNorm) layers.get(1)).toString()).contains("eps=0.001");
        assertThat(kinds(Layers.basicConvBn(K3, 3, 6, "relu", false).build())).containsExactly("Conv2D");
    }

    @Test
    void classifierPoolsFlattensDropsAndClassifies() {
        HybridSequential head = ClassifierHead.of(8, 5).dropoutProb(0.2).activation("sigmoid").build();
        assertThat(kinds(children(head))).containsExactly("AdaptiveAvgPool2D", "Flatten", "Dropout", "Dense");
        head.initialize(new Xavier());
        LayerCheck.of(head, Random.uniform(-1, 1, 2, 8, 3, 3)).expectShape(2, 5).run();

        HybridSequential two = Layers.createClassifier(8, 6, 3);
        assertThat(kinds(children(two))).containsExactly("AdaptiveAvgPool2D", "Flatten", "Dense", "Dense");
        two.initialize(new Xavier());
        assertThat(two.call(Random.uniform(-1, 1, 2, 8, 4, 4))).hasShape(2, 3);

        HybridSequential conv = ClassifierHead.of(8, 4).useConv(true).poolLayer(null).build();
        assertThat(kinds(children(conv))).containsExactly("Conv2D");
        conv.initialize(new Xavier());
        assertThat(conv.call(Random.uniform(-1, 1, 1, 8, 2, 2))).hasShape(1, 4, 2, 2);
        assertThatThrownBy(() -> ClassifierHead.of(8, 4).useConv(true).build())
                .hasMessageContaining("pool layer must be none");
    }

    private static List<HybridBlock> children(HybridSequential s) {
        List<HybridBlock> out = new java.util.ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(s.get(i));
        }
        return out;
    }

    @Test
    void adaptiveMeanMaxPoolAddsTheMeanAndTheMax() {
        var pool = Layers.adaptiveMeanMaxPool();
        NDArray x = Random.uniform(-1, 1, 2, 3, 4, 4);
        NDArray expected = nd.broadcastAdd(nd.mean(x, java.util.Map.of("axis", dev.kiln.op.IntTuple.of(2, 3),
                "keepdims", true)), nd.max(x, java.util.Map.of("axis", dev.kiln.op.IntTuple.of(2, 3), "keepdims", true)));
        assertThat(pool.call(x)).isCloseTo(expected, 1e-6, 1e-7);
        LayerCheck.of(Layers.adaptiveMeanMaxPool(Connection.concat(1), 2, 2), Random.uniform(-1, 1, 1, 2, 4, 4))
                .expectShape(1, 4, 2, 2).run();
    }

    @Test
    void prenormAndTheNothingFormsGiveTheIdentity() {
        HybridSequential pre = Layers.prenorm(4, new Activation("tanh"));
        pre.initialize();
        LayerCheck.of(pre, Random.uniform(-1, 1, 3, 4)).expectShape(3, 4).run();
        assertThat(Layers.dropBlock(null, 7, 1.0)).isInstanceOf(Identity.class);
        assertThat(Layers.stochasticDepth(null, StochasticDepth.Mode.ROW)).isInstanceOf(Identity.class);
        assertThat(Layers.layerScale(4, 0)).isInstanceOf(Identity.class);
        assertThat(Layers.layerScale(4, 1e-5)).isInstanceOf(LayerScale.class);
        assertThat(NormLayerFactory.groupNorm(4).create(8)).isInstanceOf(GroupNorm.class);
        assertThatThrownBy(() -> NormLayerFactory.groupNorm(3).create(8)).hasMessageContaining("3 groups must divide 8");
    }
}
