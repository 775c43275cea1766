package dev.kiln.tornado;

import dev.kiln.block.HybridSequential;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.tornado.testing.HostFallback;
import dev.kiln.tornado.testing.TrainingRun;
import dev.kiln.trainer.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training with the {@code tornado} backend: forward and backward run as device segments and the gradients come
 * back to the host; {@link Trainer} updates the parameters on the device, where weights and optimizer states stay
 * (the emulation, or TornadoVM under {@code -Ptornadovm}). After several steps the weights equal those of the same
 * network trained eagerly.
 */
@ExtendWith({dev.kiln.testing.FreshNames.class, HostFallback.class})
class TornadoTrainingTest {
    /** The parameters after {@code steps} SGD steps on fixed batches, eager or hybridized on the tornado backend. */
    private static List<NDArray> train(Supplier<HybridSequential> make, NDArray x, NDArray y, int steps,
                                       boolean tornado) {
        HybridSequential net = TrainingRun.prepare(make, x, tornado ? TornadoBackend.NAME : null);
        Trainer trainer = new Trainer(net.collectParams(), "sgd", Map.of("learning_rate", 0.1, "momentum", 0.9));
        for (int s = 0; s < steps; s++) {
            TrainingRun.step(net, trainer, x, y);
        }
        if (tornado && steps > 0) {
            assertThat(net.explain()).as("where the training graph ran").contains("forward and backward",
                    "backward:", "-> device (segment 1)");
        }
        List<NDArray> out = new ArrayList<>();
        for (Parameter p : net.collectParams().values()) {
            out.add(p.data().copy());
        }
        return out;
    }

    private static void assertSameWeights(Supplier<HybridSequential> make, NDArray x, NDArray y) {
        List<NDArray> eager = train(make, x, y, 5, false);
        List<NDArray> device = train(make, x, y, 5, true);
        for (int k = 0; k < eager.size(); k++) {
            assertThat(device.get(k)).as("parameter " + k).isCloseTo(eager.get(k), 1e-4, 1e-5);
        }
        assertThat(device.get(0)).as("training changed the weights").isNotEqualTo(train(make, x, y, 0, false).get(0));
    }

    @Test
    void sgdStepsOnTheDeviceGiveTheEagerWeightsForAnMlp() {
        Random.seed(3);
        NDArray x = Random.uniform(-1, 1, 8, 6);
        NDArray y = Random.uniform(-1, 1, 8, 2);
        assertSameWeights(() -> {
            HybridSequential net = new HybridSequential();
            net.add(new Dense(10, "relu"), new Dense(2));
            return net;
        }, x, y);
    }

    /**
     * SGD with momentum and Adam (whose learning rate changes every step) train with the weights, the optimizer
     * states and the forward's values for the backward resident on the device, and the update kernels running there:
     * the checks of {@link DeviceTrainingCheck} on the suite's runtime (TornadoVM under {@code -Ptornadovm}).
     */
    @Test
    void sgdMomentumAndAdamKeepTheTrainingStateOnTheDevice() {
        Random.seed(8);
        NDArray x = Random.uniform(-1, 1, 8, 6);
        NDArray y = Random.uniform(-1, 1, 8, 2);
        Supplier<HybridSequential> mlp = () -> {
            HybridSequential net = new HybridSequential();
            net.add(new Dense(10, "relu"), new Dense(2));
            return net;
        };
        DeviceTrainingCheck.assertTrainsOnTheDevice(mlp, x, y, "sgd",
                Map.of("learning_rate", 0.1, "momentum", 0.9, "wd", 0.01));
        DeviceTrainingCheck.assertTrainsOnTheDevice(mlp, x, y, "adam", Map.of("learning_rate", 0.01));
    }

    @Test
    void sgdStepsOnTheDeviceGiveTheEagerWeightsForACnn() {
        Random.seed(4);
        NDArray x = Random.uniform(-1, 1, 4, 2, 6, 6);
        NDArray y = Random.uniform(-1, 1, 4, 3);
        assertSameWeights(() -> {
            HybridSequential net = new HybridSequential();
            net.add(new Conv2D(3, 3), new MaxPool2D(2), new Flatten(), new Dense(3));
            return net;
        }, x, y);
    }
}
