package dev.kiln.examples.customlayer;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.block.Differential;
import dev.kiln.block.DifferentialReport;
import dev.kiln.block.HybridSequential;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import dev.kiln.trainer.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Worked example 1 of issue #6: MXNet Gluon's custom-layer tutorial, step by step, in Kiln. The layers are in this
 * package; this test is the tutorial's script.
 */
@ExtendWith(FreshNames.class)
class CustomLayerTutorialTest {

    @Test
    void plainBlockScalesItsInputToTheUnitInterval() {
        NDArray x = NDArray.of(Shape.of(5), 1f, 2f, 3f, 4f, 5f);
        assertThat(new NormalizationLayer().call(x)).isCloseTo(new double[] {0, 0.25, 0.5, 0.75, 1}, 1e-7, 0);
    }

    @Test
    void hybridLayerComputesTheSameEagerlyAndTraced() {
        NDArray x = NDArray.of(Shape.of(5), 1f, 2f, 3f, 4f, 5f);
        NormalizationHybridLayer layer = new NormalizationHybridLayer();
        assertThat(layer.call(x)).isCloseTo(new NormalizationLayer().call(x), 0, 0);
        LayerCheck.of(layer, Random.uniform(-3, 3, 2, 3)).expectShape(2, 3).run();
    }

    @Test
    void parametersAreNamedAsGluonNamesThem() {
        assertThat(CustomLayerTutorial.tutorialNet().collectParams().keys()).containsExactly(
                "hybridsequential0_dense0_weight", "hybridsequential0_dense0_bias",
                "hybridsequential0_normalizationhybridlayer0_weights",
                "hybridsequential0_normalizationhybridlayer0_scales",
                "hybridsequential0_dense1_weight", "hybridsequential0_dense1_bias");
    }

    @Test
    void networkRunsEagerAndTracedAndOneSgdStepTrainsWeightsButNotScales() {
        HybridSequential net = CustomLayerTutorial.tutorialNet();
        net.initialize(new Xavier("uniform", "avg", 2.24));
        net.hybridize(); // as the tutorial does: from here on calls run the compiled graph
        NDArray input = Random.uniform(-10, 10, 5, 2);
        NDArray out = net.call(input);
        assertThat(out).hasShape(5, 1);
        assertThat(net.isHybridized()).isTrue();
        assertThat(net.cacheStats().misses()).isEqualTo(1);
        ScaledNormalizationLayer layer = (ScaledNormalizationLayer) net.get(1);
        assertThat(layer.weights.shape()).isEqualTo(Shape.of(5, 5));
        assertThat(layer.scales.data()).isCloseTo(new double[] {2}, 0, 0);

        // the traced graph (what hybridize compiles) computes the same outputs
        Map<String, NDArray> args = new LinkedHashMap<>();
        args.put("data", input);
        net.collectParams().asMap().forEach((k, p) -> args.put(k, p.data()));
        assertThat(net.call(Symbol.var("data")).eval(args).get(0)).isCloseTo(out, 1e-6, 1e-7);

        NDArray label = Random.uniform(-1, 1, 5, 1);
        NDArray weightsBefore = layer.weights.data().copy();
        NDArray scalesBefore = layer.scales.data().copy();
        NDArray loss;
        try (var ignored = Autograd.record()) {
            NDArray diff = nd.broadcastSub(net.call(input), label);
            loss = nd.mean(nd.mulScalar(nd.square(diff), 0.5), Map.of("axis", 1)); // Gluon's L2Loss
        }
        Autograd.backward(List.of(loss), null, false);
        assertThat(net.cacheStats().misses()).isEqualTo(2); // forward and backward ran as the graph compiled for training
        NDArray expectedWeights = nd.broadcastSub(weightsBefore, nd.mulScalar(layer.weights.grad(), 0.1 / 5));
        // the tutorial's trainer: gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
        Trainer trainer = new Trainer(net.collectParams(), "sgd", Map.of("learning_rate", 0.1, "momentum", 0.9));
        trainer.step(5);

        assertThat(layer.weights.data()).isCloseTo(expectedWeights, 1e-6, 1e-7);
        assertThat(nd.max(nd.abs(nd.broadcastSub(layer.weights.data(), weightsBefore))).getDouble(0))
                .isGreaterThan(0);
        assertThat(layer.scales.data()).isEqualTo(scalesBefore);
        assertThat(layer.scales.gradReq()).isEqualTo(GradReq.NULL);
    }

    @Test
    void hybridizedTutorialNetworkAgreesWithEagerInOutputsAndGradients() {
        HybridSequential net = CustomLayerTutorial.tutorialNet();
        net.initialize(new Xavier("uniform", "avg", 2.24));
        net.hybridize();
        NDArray input = Random.uniform(-10, 10, 5, 2);
        DifferentialReport r = Differential.of(net).inputs(input).training(true)
                .headGradients(Random.uniform(-1, 1, 5, 1)).run().assertWithin(1e-5, 1e-6);
        assertThat(r.compiledGraphs()).isEqualTo(1); // the tutorial's options: the whole net is one compiled graph
        assertThat(r.entries(DifferentialReport.Kind.PARAMETER_GRADIENT)).extracting(DifferentialReport.Entry::name)
                .containsExactly("hybridsequential0_dense0_weight", "hybridsequential0_dense0_bias",
                        "hybridsequential0_normalizationhybridlayer0_weights", "hybridsequential0_dense1_weight",
                        "hybridsequential0_dense1_bias"); // scales is not differentiable
        NDArray weightsGrad = r.entry("grad of hybridsequential0_normalizationhybridlayer0_weights").compiled();
        assertThat(nd.max(nd.abs(weightsGrad)).getDouble(0)).isGreaterThan(0); // a real gradient was compared
        assertThat(net.isHybridized()).isTrue();
    }
}
