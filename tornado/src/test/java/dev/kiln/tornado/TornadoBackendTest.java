package dev.kiln.tornado;

import dev.kiln.KilnException;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.tornado.plan.DevicePlan;
import dev.kiln.tornado.plan.Step;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.runtime.DeviceProgram;
import dev.kiln.tornado.runtime.DeviceRuntime;
import dev.kiln.tornado.runtime.JavaEmulationRuntime;
import dev.kiln.tornado.testing.OpCallKernels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backend's plan and transfers on the Java emulation with stand-in kernels ({@link OpCallKernels}, each node's
 * CPU kernel as a device launch): results equal the CPU path's, segments are maximal runs, unsupported nodes fail or
 * run on the host, parameters are sent once and again after they change.
 */
class TornadoBackendTest {
    private static final List<String> INPUTS = List.of("data", "w1", "b1", "w2", "b2");

    /** fc2(sigmoid(fc1(data))): two dense layers, with an activation the stand-in may refuse. */
    private static Graph mlp() {
        Symbol x = Symbol.var("data");
        Symbol h = sym.fullyConnected(x, Symbol.var("w1"), Symbol.var("b1"), 5, Map.of("name", "fc1"));
        Symbol a = sym.sigmoid(h, Map.of("name", "act"));
        return sym.fullyConnected(a, Symbol.var("w2"), Symbol.var("b2"), 3, Map.of("name", "fc2")).graph();
    }

    private static CompileRequest request(Graph g, boolean training, List<String> gradients) {
        return new CompileRequest(g, INPUTS, List.of(Shape.of(2, 4), Shape.of(5, 4), Shape.of(5), Shape.of(3, 5),
                Shape.of(3)), List.of(DType.FLOAT32, DType.FLOAT32, DType.FLOAT32, DType.FLOAT32, DType.FLOAT32),
                training, gradients, true, false, 1, Set.of("w1", "b1", "w2", "b2"));
    }

    private static NDArray[] inputs(long seed) {
        Random.seed(seed);
        return new NDArray[] {Random.uniform(-1, 1, 2, 4), Random.uniform(-1, 1, 5, 4), Random.uniform(-1, 1, 5),
                Random.uniform(-1, 1, 3, 5), Random.uniform(-1, 1, 3)};
    }

    private static TornadoBackend backend(OpCallKernels kernels, boolean fallback) {
        return new TornadoBackend(TornadoOptions.emulation().withFallback(fallback), new JavaEmulationRuntime(),
                kernels);
    }

    @Test
    void forwardAndBackwardOnTheDeviceEqualTheCpuPath() {
        CompileRequest r = request(mlp(), true, List.of("data", "w1", "b1", "w2", "b2"));
        NDArray[] in = inputs(1);
        CompiledGraph device = backend(new OpCallKernels(), false).compile(r);
        CompiledGraph cpu = Backends.get(Backends.JIT).compile(r);
        CompiledGraph.Execution d = device.run(in);
        CompiledGraph.Execution c = cpu.run(in);
        assertThat(d.outputs()[0]).isCloseTo(c.outputs()[0], 1e-6, 1e-7);
        NDArray head = Random.uniform(-1, 1, 2, 3);
        NDArray[] dg = d.backward(new NDArray[] {head});
        NDArray[] cg = c.backward(new NDArray[] {head});
        for (int k = 0; k < cg.length; k++) {
            assertThat(dg[k]).as(INPUTS.get(k)).isCloseTo(cg[k], 1e-6, 1e-7);
        }
        DevicePlan plan = TornadoBackend.devicePlan(device).orElseThrow();
        assertThat(plan.hostNodes()).isZero();
        assertThat(plan.forward()).hasSize(1).allMatch(s -> s instanceof Step.Segment);
        assertThat(plan.backward()).hasSize(1).allMatch(s -> s instanceof Step.Segment);
    }

    @Test
    void aNodeTheDeviceCannotRunFailsTheCompilationNamingNodeOpShapesAndReason() {
        CompileRequest r = request(mlp(), false, List.of());
        OpCallKernels refuseAct = new OpCallKernels(n -> n.name().equals("act"));
        assertThatThrownBy(() -> backend(refuseAct, false).compile(r))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("node 'act'")
                .hasMessageContaining("op sigmoid")
                .hasMessageContaining("with inputs [(2, 5) float32]")
                .hasMessageContaining("refused by the test's stand-in kernels")
                .hasMessageContaining("kiln.tornado.fallback=true");
    }

    @Test
    void withFallbackTheUnsupportedNodeRunsOnTheHostBetweenTwoSegmentsAndThePlacementSaysSo() {
        CompileRequest r;
        Symbol x = Symbol.var("data");
        Symbol h = sym.fullyConnected(x, Symbol.var("w1"), Symbol.var("b1"), 5, Map.of("name", "fc1"));
        Symbol sortedRows = sym.sort(h, Map.of("name", "sorted"));
        Graph sorted = sym.fullyConnected(sortedRows, Symbol.var("w2"), Symbol.var("b2"), 3, Map.of("name", "fc2")).graph();
        r = request(sorted, false, List.of());
        CompiledGraph g = backend(new OpCallKernels(n -> n.op().name().equals("sort")), true).compile(r);
        NDArray[] in = inputs(2);
        assertThat(g.run(in).outputs()[0])
                .isCloseTo(Backends.get(Backends.JIT).compile(r).run(in).outputs()[0], 1e-6, 1e-7);
        DevicePlan plan = TornadoBackend.devicePlan(g).orElseThrow();
        assertThat(plan.forward()).hasSize(3);
        assertThat(plan.forward().get(0)).isInstanceOf(Step.Segment.class);
        assertThat(plan.forward().get(1)).isEqualTo(new Step.Host(g.compiledGraph().indexOf("sorted"),
                "refused by the test's stand-in kernels"));
        assertThat(plan.forward().get(2)).isInstanceOf(Step.Segment.class);
        assertThat(g.placement()).contains("fc1 (FullyConnected) -> device (segment 0)",
                "sorted (sort) -> host: refused by the test's stand-in kernels",
                "fc2 (FullyConnected) -> device (segment 1)", "2 nodes on the device in 2 segments, 1 on the host");
        assertThat(g.executedBy()).hasValueSatisfying(s -> assertThat(s).startsWith("tornado on emulation"));
    }

    @Test
    void parametersAreSentOnceAndAgainOnlyAfterTheyChange() {
        CompiledGraph g = backend(new OpCallKernels(), false).compile(request(mlp(), false, List.of()));
        NDArray[] in = inputs(3);
        NDArray first = g.infer(in)[0];
        g.infer(in);
        TransferStats twice = TornadoBackend.transfers(g).orElseThrow();
        assertThat(twice).as("outputs not read yet are not copied back").isEqualTo(new TransferStats(2, 4, 2, 0));

        in[1].setDouble(0, in[1].getDouble(0) + 1); // w1 changes: only w1 is sent again
        NDArray changed = g.infer(in)[0];
        assertThat(TornadoBackend.transfers(g).orElseThrow()).isEqualTo(new TransferStats(3, 5, 3, 0));
        NDArray[] expectedIn = in.clone();
        assertThat(changed).isCloseTo(Backends.get(Backends.JIT).compile(request(mlp(), false, List.of()))
                .infer(expectedIn)[0], 1e-6, 1e-7);
        assertThat(changed).isNotEqualTo(first);

        in[2] = in[2].copy(); // another array for b1: sent although its values are equal
        g.infer(in);
        assertThat(TornadoBackend.transfers(g).orElseThrow().parameterUploads()).isEqualTo(6);
    }

    @Test
    void outputsOfASegmentCarryTheInputsDevice() {
        CompiledGraph g = backend(new OpCallKernels(), false).compile(request(mlp(), false, List.of()));
        NDArray[] in = inputs(4);
        NDArray[] onGpu = new NDArray[in.length];
        for (int k = 0; k < in.length; k++) {
            onGpu[k] = NDArray.wrap(in[k].shape(), in[k].dtype(), Device.gpu(0), in[k].data());
        }
        NDArray out = g.infer(onGpu)[0];
        assertThat(out.device()).isEqualTo(Device.gpu(0));
        assertThat(NDArray.wrap(out.shape(), out.dtype(), Device.cpu(), out.data())).isCloseTo(g.infer(in)[0], 0, 0);
    }

    @Test
    void theBackendIsRegisteredAndChosenForArraysOnAGpu() {
        assertThat(Backends.available()).containsKey(TornadoBackend.NAME);
        assertThat(Backends.forDevice(Device.gpu(0), Backends.get(Backends.JIT)).name()).isEqualTo("tornado");
        assertThat(Backends.forDevice(Device.cpu(), Backends.get(Backends.JIT)).name()).isEqualTo("jit");
        assertThat(Backends.forDevice(Device.cpu(), Backends.get("tornado")).name()).isEqualTo("tornado");
    }

    /** The emulation, except that every segment fails when it runs, as a kernel the device cannot compile does. */
    private static final class FailingRuntime implements DeviceRuntime {
        private final JavaEmulationRuntime inner = new JavaEmulationRuntime();

        @Override
        public String name() {
            return "failing";
        }

        @Override
        public String device() {
            return "a device that compiles nothing";
        }

        @Override
        public ArrayFlavor flavor() {
            return inner.flavor();
        }

        @Override
        public DeviceProgram load(Step.Segment segment) {
            inner.load(segment);
            return new DeviceProgram() {
                @Override
                public Step.Segment segment() {
                    return segment;
                }

                @Override
                public Object[] run(Object[] inputs, boolean[] onDevice) {
                    throw new KilnException("TornadoVM failed execute: unimplemented");
                }
            };
        }
    }

    @Test
    void aSegmentTheDeviceFailsIsAnErrorWithItsReasonOrWithFallbackRunsOnTheHost() {
        CompileRequest r = request(mlp(), true, List.of("w1"));
        NDArray[] in = inputs(5);
        CompiledGraph strict = new TornadoBackend(TornadoOptions.emulation(), new FailingRuntime(),
                new OpCallKernels()).compile(r);
        assertThatThrownBy(() -> strict.run(in)).isInstanceOf(KilnException.class)
                .hasMessage("TornadoVM failed execute: unimplemented");

        CompiledGraph lenient = new TornadoBackend(TornadoOptions.emulation().withFallback(true),
                new FailingRuntime(), new OpCallKernels()).compile(r);
        CompiledGraph.Execution d = lenient.run(in);
        CompiledGraph.Execution c = Backends.get(Backends.JIT).compile(r).run(in);
        assertThat(d.outputs()[0]).isCloseTo(c.outputs()[0], 1e-6, 1e-7);
        NDArray head = Random.uniform(-1, 1, 2, 3);
        assertThat(d.backward(new NDArray[] {head})[0]).isCloseTo(c.backward(new NDArray[] {head})[0], 1e-6, 1e-7);
        assertThat(lenient.placement()).contains(
                "segment 0 runs on the host: the device failed it: TornadoVM failed execute: unimplemented",
                "segment 1 runs on the host: the device failed it");
        assertThat(TornadoBackend.transfers(lenient).orElseThrow().runs()).isZero();
    }
}
