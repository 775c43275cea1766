package dev.kiln.training;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridSequential;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.trainer.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A real Dense network trained with autograd and the Trainer: the Trainer is made before the first forward pass
 * (the weights are still deferred), every step matches a hand-applied SGD update, the loss falls, and the
 * hybridized network trains along the same path as the eager one.
 */
@ExtendWith(FreshNames.class)
class DenseTrainingTest {
    private static final int BATCH = 8;

    private record Run(List<Double> losses, double[] weight, double bias) {
    }

    private static NDArray inputs() {
        Random.seed(7);
        return Random.uniform(-1, 1, BATCH, 2);
    }

    /** y = 2 x0 - 3 x1 + 1, which one Dense unit can learn exactly. */
    private static NDArray targets(NDArray x) {
        double[] v = x.toDoubleArray();
        double[] y = new double[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = 2 * v[2 * i] - 3 * v[2 * i + 1] + 1;
        }
        return NDArray.of(Shape.of(BATCH, 1), x.dtype(), y);
    }

    private static Run train(boolean hybridize, int steps) {
        HybridSequential net = new HybridSequential();
        net.add(new Dense(1));
        Random.seed(3);
        net.initialize(new Xavier());
        if (hybridize) {
            net.hybridize();
        }
        Trainer trainer = new Trainer(net.collectParams(), "sgd", Map.of("learning_rate", 0.5));
        NDArray x = inputs();
        NDArray y = targets(x);
        List<Double> losses = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            NDArray loss;
            try (var rec = Autograd.record()) {
                NDArray diff = nd.broadcastSub(net.call(x), y);
                loss = nd.mulScalar(nd.square(diff), 0.5);
            }
            loss.backward();
            losses.add(nd.mean(loss).getDouble(0));
            var weight = trainer.parameters().get(1);
            NDArray expected = nd.broadcastSub(weight.data(), nd.mulScalar(weight.grad(), 0.5 / BATCH));
            trainer.step(BATCH);
            assertThat(weight.data().toDoubleArray()).as("step %d matches w - lr * grad / batch", s)
                    .containsExactly(expected.toDoubleArray());
        }
        var params = trainer.parameters();
        assertThat(params.get(0).name()).endsWith("bias");
        return new Run(losses, params.get(1).data().toDoubleArray(), params.get(0).data().getDouble(0));
    }

    @Test
    void aDenseLayerLearnsALinearTargetWithTheTrainer() {
        Run run = train(false, 60);
        assertThat(run.losses().get(59)).isLessThan(run.losses().get(0) * 1e-3);
        assertThat(run.weight()[0]).isCloseTo(2, within(0.05));
        assertThat(run.weight()[1]).isCloseTo(-3, within(0.05));
        assertThat(run.bias()).isCloseTo(1, within(0.05));
    }

    @Test
    void theHybridizedNetworkTrainsAlongTheEagerPath() {
        Run eager = train(false, 10);
        Run hybrid = train(true, 10);
        for (int s = 0; s < 10; s++) {
            assertThat(hybrid.losses().get(s)).isCloseTo(eager.losses().get(s), within(1e-5));
        }
        assertThat(hybrid.weight()[0]).isCloseTo(eager.weight()[0], within(1e-5));
        assertThat(hybrid.bias()).isCloseTo(eager.bias(), within(1e-5));
    }

    @Test
    void aLayerLeftOutOfTheForwardPassHasAStaleGradientEagerAndHybridized() {
        for (boolean hybridize : new boolean[] {false, true}) {
            Dense used = Dense.builder(1).inUnits(2).build();
            Dense unused = Dense.builder(1).inUnits(2).build();
            used.initialize();
            unused.initialize();
            if (hybridize) {
                used.hybridize();
            }
            var params = used.collectParams();
            params.update(unused.collectParams());
            Trainer trainer = new Trainer(params, "sgd", Map.of("learning_rate", 0.1));
            NDArray out;
            try (var rec = Autograd.record()) {
                out = used.call(NDArray.ones(1, 2));
            }
            out.backward();
            assertThatThrownBy(() -> trainer.step(1)).isInstanceOf(KilnException.class)
                    .hasMessageContaining("'" + unused.prefix());
            trainer.step(1, true);
            assertThatThrownBy(() -> trainer.step(1)).as("fresh again only after another backward")
                    .hasMessageContaining("'" + used.prefix());
        }
    }
}
