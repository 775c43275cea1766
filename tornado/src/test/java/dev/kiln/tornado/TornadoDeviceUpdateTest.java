package dev.kiln.tornado;

import dev.kiln.block.HybridSequential;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.runtime.JavaEmulationRuntime;

import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.symbol.NameManager;
import dev.kiln.tornado.runtime.DeviceMemory;
import dev.kiln.tornado.runtime.Runtimes;
import dev.kiln.tornado.testing.HostFallback;
import dev.kiln.tornado.testing.TrainingRun;
import dev.kiln.trainer.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Trainer} on a block hybridized with the {@code tornado} backend (Java emulation, whose device memory is
 * shared by all programs): the optimizer's fused update runs as device kernels on the device copies of the weights,
 * so the weights are sent once, the optimizer state never leaves the device, and each step sends only the gradients
 * and copies the new weights back; the forward's values the backward reads stay on the device. After several steps
 * the weights equal eager training's.
 */
@ExtendWith({dev.kiln.testing.FreshNames.class, HostFallback.class})
class TornadoDeviceUpdateTest {
    private static DeviceMemory memory() {
        return Runtimes.forOptions(TornadoOptions.fromSystemProperties()).flatMap(r -> r.sharedMemory())
                .orElse(null);
    }

    private static void assertTrainsOnTheDevice(Supplier<HybridSequential> make, NDArray x, NDArray y,
                                                String optimizer, Map<String, ?> options) {
        assumeTrue(memory() != null, "the runtime shares device memory between programs");
        DeviceTrainingCheck.assertTrainsOnTheDevice(make, x, y, optimizer, options);
    }

    private static HybridSequential mlp() {
        HybridSequential net = new HybridSequential();
        net.add(new Dense(10, "relu"), new Dense(2));
        return net;
    }

    private static HybridSequential cnn() {
        HybridSequential net = new HybridSequential();
        net.add(new Conv2D(3, 3), new MaxPool2D(2), new Flatten(), new Dense(3));
        return net;
    }

    @Test
    void sgdMomentumUpdatesRunOnTheDeviceAndGiveTheEagerWeightsForAnMlp() {
        Random.seed(3);
        assertTrainsOnTheDevice(TornadoDeviceUpdateTest::mlp, Random.uniform(-1, 1, 8, 6),
                Random.uniform(-1, 1, 8, 2), "sgd", Map.of("learning_rate", 0.1, "momentum", 0.9, "wd", 0.01));
    }

    @Test
    void adamUpdatesRunOnTheDeviceAndGiveTheEagerWeightsForAnMlp() {
        Random.seed(5);
        assertTrainsOnTheDevice(TornadoDeviceUpdateTest::mlp, Random.uniform(-1, 1, 8, 6),
                Random.uniform(-1, 1, 8, 2), "adam", Map.of("learning_rate", 0.01));
    }

    @Test
    void sgdMomentumUpdatesRunOnTheDeviceAndGiveTheEagerWeightsForACnn() {
        Random.seed(4);
        assertTrainsOnTheDevice(TornadoDeviceUpdateTest::cnn, Random.uniform(-1, 1, 4, 2, 6, 6),
                Random.uniform(-1, 1, 4, 3), "sgd", Map.of("learning_rate", 0.1, "momentum", 0.9));
    }

    @Test
    void adamUpdatesRunOnTheDeviceAndGiveTheEagerWeightsForACnn() {
        Random.seed(6);
        assertTrainsOnTheDevice(TornadoDeviceUpdateTest::cnn, Random.uniform(-1, 1, 4, 2, 6, 6),
                Random.uniform(-1, 1, 4, 3), "adam", Map.of("learning_rate", 0.01, "clip_gradient", 0.5));
    }

    /**
     * The runner lowers an update once per op, shapes and compiled-in attributes: a second step with a new learning
     * rate (a launch value) reuses the lowered kernel and gives the new rate's result; another weight decay (compiled
     * in) lowers again.
     */
    @Test
    void aSecondUpdateWithANewLearningRateReusesTheLoweredKernel() {
        JavaEmulationRuntime rt = new JavaEmulationRuntime();
        DeviceMemory m = rt.sharedMemory().orElseThrow();
        DeviceUpdateRunner runner = new DeviceUpdateRunner(rt, m, ArrayFlavor.HEAP);
        NDArray w = NDArray.of(Shape.of(3), 1f, -2f, 3f);
        NDArray g = NDArray.of(Shape.of(3), 0.5f, 0.25f, -1f);
        NDArray mom = NDArray.of(Shape.of(3), 0f, 0f, 0f);
        m.current(w, () -> { });
        float[] hostW = {1f, -2f, 3f};
        float[] hostMom = new float[3];
        double[] rates = {0.1, 0.05};
        for (double lr : rates) {
            assertThat(runner.run("sgd_mom_update", Map.of("lr", lr, "momentum", 0.9, "wd", 0.0), w,
                    new NDArray[] {w, g, mom})).as("ran on the device").isTrue();
            for (int i = 0; i < 3; i++) { // MXNet's rule: mom = momentum * mom - lr * grad; w += mom
                hostMom[i] = 0.9f * hostMom[i] - (float) lr * g.floatData()[i];
                hostW[i] += hostMom[i];
            }
            assertThat(w.toFloatArray()).as("weight after lr " + lr).containsExactly(hostW,
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(runner.lowerings()).as("one lowering for both learning rates").isEqualTo(1);
        runner.run("sgd_mom_update", Map.of("lr", 0.1, "momentum", 0.9, "wd", 0.5), w, new NDArray[] {w, g, mom});
        assertThat(runner.lowerings()).as("a new weight decay is a new kernel").isEqualTo(2);
        assertThat(m.updates()).isEqualTo(3);
    }

    /** Trains {@code steps} Adam steps (on the device when {@code backend} is given) and saves the trainer's states. */
    private static HybridSequential trainAndSave(NDArray x, NDArray y, String backend, int steps, Path states) {
        HybridSequential net;
        try (var names = NameManager.fresh()) { // the same parameter names in every run, as the state file needs
            net = TrainingRun.prepare(TornadoDeviceUpdateTest::mlp, x, backend);
        }
        Trainer trainer = new Trainer(net.collectParams(), "adam", Map.of("learning_rate", 0.01));
        for (int s = 0; s < steps; s++) {
            TrainingRun.step(net, trainer, x, y);
        }
        trainer.saveStates(states);
        return net;
    }

    @Test
    void savedStatesOfDeviceUpdatesHoldTheDevicesOptimizerState(@TempDir Path dir) {
        assumeTrue(memory() != null, "the runtime shares device memory between programs (the emulation)");
        Random.seed(7);
        NDArray x = Random.uniform(-1, 1, 8, 6);
        NDArray y = Random.uniform(-1, 1, 8, 2);
        trainAndSave(x, y, TornadoBackend.NAME, 3, dir.resolve("device.states"));
        // two eager runs at the same point continue one step from the device's states and from their own
        List<NDArray> fromDevice = new ArrayList<>();
        List<NDArray> fromEager = new ArrayList<>();
        for (String file : new String[] {"device.states", "eager.states"}) {
            HybridSequential net = trainAndSave(x, y, null, 3, dir.resolve("eager.states"));
            Trainer next = new Trainer(net.collectParams(), "adam", Map.of("learning_rate", 0.01));
            next.loadStates(dir.resolve(file));
            TrainingRun.step(net, next, x, y);
            for (Parameter p : net.collectParams().values()) {
                (file.startsWith("device") ? fromDevice : fromEager).add(p.data().copy());
            }
        }
        for (int k = 0; k < fromEager.size(); k++) {
            assertThat(fromDevice.get(k)).as("parameter " + k).isCloseTo(fromEager.get(k), 1e-4, 1e-5);
        }
    }
}
