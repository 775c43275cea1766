package dev.kiln.tornado;

import dev.kiln.block.HybridSequential;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.Parameter;
import dev.kiln.tornado.runtime.DeviceMemory;
import dev.kiln.tornado.runtime.DeviceRuntime;
import dev.kiln.tornado.runtime.Runtimes;
import dev.kiln.tornado.runtime.TornadoVmRuntime;
import dev.kiln.tornado.testing.TrainingRun;
import dev.kiln.trainer.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trains a network eagerly and on the {@code tornado} backend of the suite's runtime (the emulation, or TornadoVM
 * under {@code -Ptornadovm}) and checks that the training state stayed on the device: the weights equal eager
 * training's, every parameter was sent once, the forward's values the backward reads never came back, each step
 * ran one update kernel per parameter on the device and sent only the gradients, and after the first step nothing
 * was lowered, compiled or rebuilt again.
 */
final class DeviceTrainingCheck {
    static final int STEPS = 4;

    private DeviceTrainingCheck() {
    }

    /** The suite's runtime. */
    static DeviceRuntime runtime() {
        return Runtimes.forOptions(TornadoOptions.fromSystemProperties()).orElseThrow();
    }

    /** The suite runtime's shared device memory. */
    static DeviceMemory memory() {
        return runtime().sharedMemory().orElseThrow();
    }

    /** Counters of the device memory, the update runner and (on TornadoVM) the execution plan, at one moment. */
    private record Counters(long uploads, long downloads, long updates, long lowerings, long builds,
                            long residentUploads) {
        static Counters now() {
            DeviceMemory m = memory();
            long lowerings = TornadoBackend.updateRunner(m).map(DeviceUpdateRunner::lowerings).orElse(0L);
            long builds = runtime() instanceof TornadoVmRuntime t ? t.planBuilds() : 0;
            long resident = runtime() instanceof TornadoVmRuntime t ? t.residentUploads() : 0;
            return new Counters(m.uploads(), m.downloads(), m.updates(), lowerings, builds, resident);
        }

        Counters since(Counters before) {
            return new Counters(uploads - before.uploads, downloads - before.downloads, updates - before.updates,
                    lowerings - before.lowerings, builds - before.builds, residentUploads - before.residentUploads);
        }
    }

    /** What a training run left: the weights, and for the device run its transfers and the last step's time. */
    private record Trained(List<NDArray> weights, TransferStats graph, Counters lastStep, Counters afterFirst,
                           double lastStepMillis) {
    }

    private static Trained train(Supplier<HybridSequential> make, NDArray x, NDArray y, String optimizer,
                                 Map<String, ?> options, boolean tornado) {
        HybridSequential net = TrainingRun.prepare(make, x, tornado ? TornadoBackend.NAME : null);
        Trainer trainer = new Trainer(net.collectParams(), optimizer, options);
        Counters first = null;
        Counters last = null;
        long lastStart = 0;
        for (int s = 0; s < STEPS; s++) {
            if (tornado && s == 1) {
                first = Counters.now();
            }
            if (tornado && s == STEPS - 1) {
                last = Counters.now();
                lastStart = System.nanoTime();
            }
            TrainingRun.step(net, trainer, x, y);
        }
        double lastMillis = (System.nanoTime() - lastStart) / 1e6;
        List<NDArray> weights = new ArrayList<>();
        for (Parameter p : net.collectParams().values()) {
            weights.add(p.data().copy());
        }
        if (!tornado) {
            return new Trained(weights, null, null, null, 0);
        }
        List<CompiledGraph> graphs = net.compiledGraphs();
        assertThat(graphs).as("one training graph").hasSize(1);
        Counters end = Counters.now();
        return new Trained(weights, TornadoBackend.transfers(graphs.get(0)).orElseThrow(), end.since(last),
                end.since(first), lastMillis);
    }

    /** Trains eagerly and on the device and checks the weights and what moved (see the class comment). */
    static void assertTrainsOnTheDevice(Supplier<HybridSequential> make, NDArray x, NDArray y, String optimizer,
                                        Map<String, ?> options) {
        Trained eager = train(make, x, y, optimizer, options, false);
        Trained device = train(make, x, y, optimizer, options, true);
        int params = eager.weights().size();
        for (int k = 0; k < params; k++) {
            assertThat(device.weights().get(k)).as("parameter " + k).isCloseTo(eager.weights().get(k), 1e-4, 1e-5);
        }
        assertThat(device.weights().get(0)).as("training changed the weights")
                .isNotEqualTo(train(make, x, y, optimizer, Map.of("learning_rate", 0.0), false).weights().get(0));
        assertThat(device.graph().parameterUploads()).as("every parameter sent once for forward and backward")
                .isEqualTo(params);
        assertThat(device.lastStep().uploads()).as("a later step sends only the gradients to the update kernels")
                .isEqualTo(params);
        assertThat(device.lastStep().downloads()).as("a step copies the new weights back, not the optimizer state")
                .isEqualTo(params);
        assertThat(device.graph().downloads()).as("per step only the output and the gradients come back")
                .isEqualTo(STEPS * (1L + params));
        assertThat(device.graph().keptOnDevice()).as("the forward's values the backward reads stay on the device")
                .isPositive().isEqualTo(STEPS * (device.graph().keptOnDevice() / STEPS));
        assertThat(device.graph().inputUploads()).as("per step the data (forward and backward) and the head gradient")
                .isEqualTo(STEPS * 3L);
        assertThat(device.afterFirst().updates()).as("every update after the first step ran on the device")
                .isEqualTo((STEPS - 1L) * params);
        assertThat(device.afterFirst().lowerings()).as("later steps reuse the lowered update kernels").isZero();
        assertThat(device.afterFirst().builds()).as("no execution plan rebuilt after the first step").isZero();
        assertThat(device.afterFirst().residentUploads()).as("no resident array sent again after the first step")
                .isZero();
        System.out.printf("%s training on %s: %d steps, %s; last step %s, %.1f ms%n", optimizer, runtime().name(),
                STEPS, device.graph(), device.lastStep(), device.lastStepMillis());
    }
}
