package dev.kiln.tornado;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Uniform;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.AvgPool2D;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.Ops;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.tornado.testing.HostFallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of #6 on the {@code tornado} backend (the Java emulation runtime as the suite runs it, TornadoVM
 * with {@code -Ptornadovm}; the worked examples are in the tests module's {@code WorkedExamplesOnTornadoTest}): each
 * layer and two small networks, hybridized with {@code backend("tornado")}, give the eager outputs and gradients in
 * inference and training, and explain() says which nodes ran on the device.
 */
@ExtendWith({dev.kiln.testing.FreshNames.class, HostFallback.class})
class TornadoLayersTest {
    /** Eager vs tornado: outputs in predict and train mode, and every parameter's and the input's gradient. */
    private static String check(Supplier<HybridBlock> make, NDArray x) {
        HybridBlock net = make.get();
        net.initialize(new Uniform(0.5));
        net.call(x); // deferred shapes
        Map<String, NDArray> before = snapshot(net);
        Result eager = run(net, x);
        restore(net, before);
        net.hybridize(HybridizeOptions.builder().backend(TornadoBackend.NAME).inlineLimit(0).build());
        Result device = run(net, x);
        assertThat(device.predict()).as("predict-mode output").isCloseTo(eager.predict(), 1e-4, 1e-5);
        assertThat(device.train()).as("train-mode output").isCloseTo(eager.train(), 1e-4, 1e-5);
        for (String name : eager.grads().keySet()) {
            assertThat(device.grads().get(name)).as("gradient of " + name)
                    .isCloseTo(eager.grads().get(name), 1e-4, 1e-5);
        }
        String explain = net.explain();
        assertThat(explain).contains("as compiled (tornado on " + TornadoOptions.fromSystemProperties().runtime(),
                "-> device (segment 0)");
        return explain;
    }

    private record Result(NDArray predict, NDArray train, Map<String, NDArray> grads) {
    }

    private static Result run(HybridBlock net, NDArray x) {
        NDArray predict = net.call(x).copy();
        NDArray input = x.copy().attachGrad();
        NDArray train;
        NDArray head = Ops.call("cos", Ops.call("_arange", Map.of("start", 0, "stop", predict.size()))
                .reshape(predict.shape()));
        try (var ignored = Autograd.record(true)) {
            train = net.call(input);
        }
        train.backward(head);
        Map<String, NDArray> grads = new LinkedHashMap<>();
        grads.put("input", input.grad().copy());
        for (Parameter p : net.collectParams().values()) {
            if (p.gradReq() != dev.kiln.autograd.GradReq.NULL) {
                grads.put(p.name(), p.grad().copy());
            }
        }
        return new Result(predict, train.copy(), grads);
    }

    /** Parameters and auxiliary states before a run (training updates BatchNorm's moving statistics). */
    private static Map<String, NDArray> snapshot(HybridBlock net) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        net.collectParams().values().forEach(p -> m.put(p.name(), p.data().copy()));
        return m;
    }

    private static void restore(HybridBlock net, Map<String, NDArray> values) {
        net.collectParams().values().forEach(p -> values.get(p.name()).copyTo(p.data()));
    }

    private static NDArray images() {
        Random.seed(11);
        return Random.uniform(-1, 1, 2, 3, 6, 6);
    }

    @Test
    void denseRunsOnTheDeviceWithEagerResults() {
        Random.seed(5);
        String explain = check(() -> new Dense(4, "relu"), Random.uniform(-1, 1, 3, 5));
        assertThat(explain).contains("0 on the host");
    }

    @Test
    void conv2dRunsOnTheDeviceWithEagerResults() {
        check(() -> {
            HybridSequential net = new HybridSequential();
            net.add(new Conv2D(4, 3));
            return net;
        }, images());
    }

    @Test
    void maxAndAveragePoolingRunOnTheDeviceWithEagerResults() {
        check(() -> {
            HybridSequential net = new HybridSequential();
            net.add(new Conv2D(2, 1), new MaxPool2D(2), new AvgPool2D(2, 1, 0));
            return net;
        }, images());
    }

    @Test
    void batchNormGivesEagerResultsAndMovingStatisticsInTraining() {
        String explain = check(() -> {
            HybridSequential net = new HybridSequential();
            net.add(new Conv2D(3, 1), new BatchNorm());
            return net;
        }, images());
        assertThat(explain).contains("BatchNorm");
    }

    @Test
    void anMlpRunsOnTheDeviceWithEagerResults() {
        Random.seed(6);
        check(() -> {
            HybridSequential net = new HybridSequential();
            net.add(new Dense(16, "relu"), new Dense(8, "tanh"), new Dense(3));
            return net;
        }, Random.uniform(-1, 1, 4, 10));
    }

    @Test
    void aSmallCnnRunsOnTheDeviceWithEagerResults() {
        check(() -> {
            HybridSequential net = new HybridSequential();
            net.add(new Conv2D(4, 3), new Activation("relu"), new MaxPool2D(2), new Flatten(), new Dense(5));
            return net;
        }, images());
    }

    @Test
    void arraysOnAGpuPickTheTornadoBackendWithoutNamingIt() {
        Random.seed(7);
        NDArray x = Random.uniform(-1, 1, 3, 5);
        NDArray onGpu = NDArray.wrap(x.shape(), x.dtype(), Device.gpu(0), x.copy().data());
        Dense cpu = new Dense(4, "relu");
        cpu.initialize(new Uniform(0.5));
        Dense gpu = new Dense(4, "relu");
        gpu.initialize(new Uniform(0.5), List.of(Device.gpu(0)), false, false);
        cpu.call(x);
        gpu.call(onGpu);
        cpu.weight().data().copyTo(gpu.weight().data());
        cpu.bias().data().copyTo(gpu.bias().data());
        gpu.hybridize();
        NDArray out = gpu.call(onGpu);
        assertThat(out.device()).isEqualTo(Device.gpu(0));
        assertThat(NDArray.wrap(out.shape(), out.dtype(), Device.cpu(), out.data())).isCloseTo(cpu.call(x), 1e-5, 1e-6);
        assertThat(gpu.explain()).contains("backend jit",
                "as compiled (tornado on " + TornadoOptions.fromSystemProperties().runtime());
    }
}
