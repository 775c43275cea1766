package dev.kiln.tornado;

import dev.kiln.KilnException;
import dev.kiln.block.HybridSequential;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Uniform;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.plan.Step;
import dev.kiln.tornado.runtime.DeviceProgram;
import dev.kiln.tornado.runtime.DeviceRuntime;
import dev.kiln.tornado.runtime.JavaEmulationRuntime;
import dev.kiln.tornado.runtime.Readback;
import dev.kiln.tornado.testing.HostFallback;
import dev.kiln.tornado.testing.OpCallKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outputs are copied back only when read: a device output is a pending array until the host reads it (then copied
 * once and counted), a late read still gets its own run's values, and a value later device segments read is bound
 * on the device and never copied unless the host reads it too.
 */
@ExtendWith({dev.kiln.testing.FreshNames.class, HostFallback.class})
class TornadoReadbackTest {
    /** A two-layer network, initialised on {@code x}, and its eager outputs for each of {@code inputs}. */
    private static HybridSequential mlp(NDArray x) {
        HybridSequential net = new HybridSequential();
        net.add(new Dense(6, "tanh"), new Dense(3));
        Random.seed(11);
        net.initialize(new Uniform(0.5));
        net.call(x);
        return net;
    }

    private static TransferStats transfers(HybridSequential net) {
        List<CompiledGraph> graphs = net.compiledGraphs();
        assertThat(graphs).hasSize(1);
        return TornadoBackend.transfers(graphs.get(0)).orElseThrow();
    }

    @Test
    void anOutputNobodyReadsIsNeverCopiedBackAndReadingItCopiesItOnce() {
        Random.seed(1);
        NDArray x = Random.uniform(-1, 1, 4, 5);
        HybridSequential net = mlp(x);
        NDArray eager = net.call(x).copy();
        net.hybridize(HybridizeOptions.builder().backend(TornadoBackend.NAME).inlineLimit(0).build());
        NDArray unread = net.call(x);
        NDArray out = net.call(x);
        assertThat(unread.isPending()).isTrue();
        assertThat(out.isPending()).isTrue();
        assertThat(out.shape()).isEqualTo(Shape.of(4, 3));
        TransferStats before = transfers(net);
        assertThat(before.runs()).isEqualTo(2);
        assertThat(before.downloads()).as("no output read yet").isZero();

        assertThat(out).isCloseTo(eager, 1e-5, 1e-6);
        assertThat(transfers(net).downloads()).as("the first read copies the output").isEqualTo(1);
        out.toFloatArray();
        out.reshape(12).getDouble(5);
        assertThat(transfers(net).downloads()).as("later reads use the host copy").isEqualTo(1);
        assertThat(out.isPending()).isFalse();
        assertThat(unread.isPending()).isTrue();
    }

    @Test
    void aLateReadGetsItsOwnRunsValuesAfterLaterRuns() {
        Random.seed(2);
        NDArray x1 = Random.uniform(-1, 1, 4, 5);
        NDArray x2 = Random.uniform(-1, 1, 4, 5);
        HybridSequential net = mlp(x1);
        NDArray eager1 = net.call(x1).copy();
        NDArray eager2 = net.call(x2).copy();
        net.hybridize(HybridizeOptions.builder().backend(TornadoBackend.NAME).inlineLimit(0).build());
        NDArray first = net.call(x1);
        NDArray firstView = first.reshape(12); // a view made while pending reads the same run's values
        NDArray second = net.call(x2);
        NDArray third = net.call(x2);
        assertThat(second).as("the second run").isCloseTo(eager2, 1e-5, 1e-6);
        assertThat(firstView.reshape(4, 3)).as("read after two later runs").isCloseTo(eager1, 1e-5, 1e-6);
        assertThat(first).isCloseTo(eager1, 1e-5, 1e-6);
        assertThat(third).isCloseTo(eager2, 1e-5, 1e-6);
        assertThat(transfers(net)).isEqualTo(new TransferStats(3, transfers(net).parameterUploads(), 3, 3));
    }

    private static final List<String> INPUTS = List.of("data", "w1", "b1", "w2", "b2");

    /**
     * {@code v = fc1(data)}, {@code u = fc2(v)} on the device; {@code s = sort(u)} on the host (the stand-in kernels
     * refuse it); {@code out = s + v} on the device again. Outputs: out and v.
     */
    private static CompileRequest skipAroundAHostNode() {
        Symbol v = sym.fullyConnected(Symbol.var("data"), Symbol.var("w1"), Symbol.var("b1"), 5,
                Map.of("name", "fc1"));
        Symbol u = sym.fullyConnected(v, Symbol.var("w2"), Symbol.var("b2"), 5, Map.of("name", "fc2"));
        Symbol s = sym.sort(u, Map.of("name", "sorted"));
        Graph g = Symbol.group(List.of(sym.elemwiseAdd(s, v, Map.of("name", "sum")), v)).graph();
        return new CompileRequest(g, INPUTS, List.of(Shape.of(2, 4), Shape.of(5, 4), Shape.of(5), Shape.of(5, 5),
                Shape.of(5)), List.of(DType.FLOAT32, DType.FLOAT32, DType.FLOAT32, DType.FLOAT32, DType.FLOAT32),
                false, List.of(), true, false, 1, Set.of("w1", "b1", "w2", "b2"));
    }

    private static NDArray[] skipInputs(long seed) {
        Random.seed(seed);
        return new NDArray[] {Random.uniform(-1, 1, 2, 4), Random.uniform(-1, 1, 5, 4), Random.uniform(-1, 1, 5),
                Random.uniform(-1, 1, 5, 5), Random.uniform(-1, 1, 5)};
    }

    private static TornadoBackend sortOnTheHost(JavaEmulationRuntime runtime) {
        return new TornadoBackend(TornadoOptions.emulation().withFallback(true), runtime,
                new OpCallKernels(n -> n.op().name().equals("sort")));
    }

    @Test
    void aValueALaterDeviceSegmentReadsIsBoundOnTheDeviceAndCopiedOnlyWhenTheHostReadsIt() {
        CompileRequest r = skipAroundAHostNode();
        CompiledGraph g = sortOnTheHost(new JavaEmulationRuntime()).compile(r);
        assertThat(g.placement()).contains("fc1 (FullyConnected) -> device (segment 0)",
                "sorted (sort) -> host", "sum (elemwise_add) -> device (segment 1)");
        NDArray[] in = skipInputs(3);
        NDArray[] out = g.infer(in);
        TransferStats stats = TornadoBackend.transfers(g).orElseThrow();
        assertThat(stats.keptOnDevice()).as("v stays on the device for the second segment").isEqualTo(1);
        assertThat(stats.downloads()).as("only the host's sort reads a device value (fc2's)").isEqualTo(1);
        assertThat(stats.inputUploads()).as("data, then the sorted rows; v is bound on the device").isEqualTo(2);
        assertThat(out[1].isPending()).as("v, also a graph output, not read yet").isTrue();

        NDArray[] cpu = Backends.get(Backends.JIT).compile(r).infer(in);
        assertThat(out[0]).isCloseTo(cpu[0], 1e-5, 1e-6);
        assertThat(TornadoBackend.transfers(g).orElseThrow().downloads()).as("out read").isEqualTo(2);
        assertThat(out[1]).isCloseTo(cpu[1], 1e-5, 1e-6);
        assertThat(TornadoBackend.transfers(g).orElseThrow().downloads()).as("v read").isEqualTo(3);
    }

    @Test
    void aValueKeptOnTheDeviceFeedsAnotherGraphOnTheSameDeviceWithoutACopyEvenAfterTheHostReadIt() {
        TornadoBackend backend = sortOnTheHost(new JavaEmulationRuntime());
        CompileRequest r = skipAroundAHostNode();
        CompiledGraph producer = backend.compile(r);
        Graph square = sym.square(Symbol.var("y"), Map.of("name", "sq")).graph();
        CompiledGraph consumer = backend.compile(new CompileRequest(square, List.of("y"), List.of(Shape.of(2, 5)),
                List.of(DType.FLOAT32), false, List.of(), true, false, 1));
        NDArray[] in = skipInputs(4);
        NDArray v = producer.infer(in)[1];
        NDArray expected = Ops.call("square", Backends.get(Backends.JIT).compile(r).infer(in)[1]);

        NDArray squared = consumer.infer(new NDArray[] {v})[0];
        assertThat(TornadoBackend.transfers(consumer).orElseThrow().inputUploads()).as("v bound on the device")
                .isZero();
        assertThat(v.isPending()).isTrue();
        assertThat(squared).isCloseTo(expected, 1e-5, 1e-6);
        v.toFloatArray();
        assertThat(consumer.infer(new NDArray[] {v})[0]).as("after the host read it").isCloseTo(expected, 1e-5, 1e-6);
        assertThat(TornadoBackend.transfers(consumer).orElseThrow().inputUploads()).isZero();
        v.setDouble(0, 2); // the host's value differs from the device's now: sent
        NDArray changed = consumer.infer(new NDArray[] {v})[0];
        assertThat(TornadoBackend.transfers(consumer).orElseThrow().inputUploads()).isEqualTo(1);
        assertThat(changed.getDouble(0)).isEqualTo(4);
        assertThat(TornadoBackend.transfers(producer).orElseThrow().downloads()).as("sort's input and v once")
                .isEqualTo(2);
    }

    /** The emulation, except that every output's copy back fails, as a lost device would. */
    private static final class LostDevice implements DeviceRuntime {
        private final JavaEmulationRuntime inner = new JavaEmulationRuntime();

        @Override
        public String name() {
            return "lost";
        }

        @Override
        public String device() {
            return "a device lost after running";
        }

        @Override
        public ArrayFlavor flavor() {
            return inner.flavor();
        }

        @Override
        public DeviceProgram load(Step.Segment segment) {
            DeviceProgram p = inner.load(segment);
            return new DeviceProgram() {
                public Step.Segment segment() {
                    return segment;
                }

                @Override
                public Object[] run(Object[] inputs) {
                    return run(inputs, new boolean[segment.outputs().size()]);
                }

                @Override
                public Object[] run(Object[] inputs, boolean[] onDevice) {
                    Object[] results = p.run(inputs, onDevice);
                    for (int k = 0; k < segment.outputs().size(); k++) {
                        results[k] = (Readback) host -> {
                            throw new KilnException("TornadoVM failed transferToHost: device lost");
                        };
                    }
                    return results;
                }
            };
        }
    }

    @Test
    void anOutputThatCannotBeCopiedBackFailsWhenReadNamingTheOutputAndTheDevicesReason() {
        Graph g = sym.relu(Symbol.var("x"), Map.of("name", "act")).graph();
        CompileRequest r = new CompileRequest(g, List.of("x"), List.of(Shape.of(2, 2)), List.of(DType.FLOAT32), false,
                List.of(), true, false, 1);
        CompiledGraph compiled = new TornadoBackend(TornadoOptions.emulation(), new LostDevice(), new OpCallKernels())
                .compile(r);
        NDArray out = compiled.infer(new NDArray[] {NDArray.ones(2, 2)})[0];
        assertThat(out.shape()).isEqualTo(Shape.of(2, 2));
        assertThatThrownBy(out::toFloatArray).isInstanceOf(KilnException.class)
                .hasMessageContaining("deferred array (2, 2) float32")
                .hasMessageContaining("output 'act")
                .hasMessageContaining("of segment 0")
                .hasMessageContaining("TornadoVM failed transferToHost: device lost");
        assertThat(TornadoBackend.transfers(compiled).orElseThrow().downloads()).isZero();
    }
}
