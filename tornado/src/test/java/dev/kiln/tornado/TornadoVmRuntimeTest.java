package dev.kiln.tornado;

import dev.kiln.KilnException;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.NDArrayAssert;
import dev.kiln.symbol.Symbol;
import dev.kiln.tornado.runtime.Runtimes;
import dev.kiln.tornado.runtime.TornadoVmRuntime;
import dev.kiln.tornado.testing.OpCallKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The TornadoVM runtime itself; runs only in a JVM launched with TornadoVM ({@code -Ptornadovm}, docs/TORNADOVM.md).
 * The worked examples and the random graphs run on it through the other test classes in that build.
 */
@EnabledIf("tornadoVmIsPresent")
class TornadoVmRuntimeTest {
    static boolean tornadoVmIsPresent() {
        return TornadoVmRuntime.isPresent();
    }

    private static TornadoVmRuntime runtime() {
        return (TornadoVmRuntime) Runtimes.forOptions(TornadoOptions.fromSystemProperties()).orElseThrow();
    }

    @Test
    void tornadoVmListsItsDevicesAndRunsOnTheDefaultOne() {
        TornadoVmRuntime rt = runtime();
        assertThat(rt.devices()).isNotEmpty().allMatch(d -> d.matches("\\d+:\\d+ .+"));
        assertThat(rt.device()).startsWith("TornadoVM ");
        assertThat(rt.name()).isEqualTo("tornadovm");
    }

    @Test
    void aKernelTheDeviceCannotCompileFailsWithTornadoVmsReasonInsteadOfRunningAsJava() {
        Graph g = sym.relu(Symbol.var("x"), Map.of("name", "act")).graph();
        CompileRequest r = new CompileRequest(g, List.of("x"), List.of(Shape.of(4)), List.of(DType.FLOAT32), false,
                List.of(), true, false, 1);
        // the stand-in kernel calls back into Java (a virtual call, boxing, an allocation): no device compiles it
        TornadoBackend backend = new TornadoBackend(TornadoOptions.fromSystemProperties(), runtime(),
                new OpCallKernels());
        assertThatThrownBy(() -> backend.compile(r).infer(new NDArray[] {NDArray.ones(4)}))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("TornadoVM failed");
    }

    @Test
    void largeReductionsRunInPiecesOnTheDeviceWithTheCpuResults() {
        Symbol x = Symbol.var("x");
        Graph g = Symbol.group(List.of(sym.sum(x, Map.of("name", "total")),
                sym.mean(x, Map.of("axis", "(1,)", "name", "rows")),
                sym.max(x, Map.of("axis", "(1,)", "name", "peaks")))).graph();
        Shape shape = Shape.of(3, 5_001);
        CompileRequest r = new CompileRequest(g, List.of("x"), List.of(shape), List.of(DType.FLOAT32), false,
                List.of(), true, false, 1);
        NDArray data = dev.kiln.ndarray.NDArray.wrap(shape, new float[shape.size()]);
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < shape.size(); i++) {
            data.floatData()[i] = random.nextFloat() * 2 - 1;
        }
        NDArray[] device = new TornadoBackend(TornadoOptions.fromSystemProperties()).compile(r)
                .infer(new NDArray[] {data});
        double total = 0;
        for (int i = 0; i < shape.size(); i++) {
            total += data.floatData()[i];
        }
        assertThat(device[0].getDouble(0)).isCloseTo(total, org.assertj.core.data.Offset.offset(1e-2));
        for (int row = 0; row < 3; row++) {
            double sum = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 5_001; j++) {
                float v = data.floatData()[row * 5_001 + j];
                sum += v;
                max = Math.max(max, v);
            }
            assertThat(device[1].getDouble(row)).isCloseTo(sum / 5_001, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(device[2].getDouble(row)).isEqualTo(max);
        }
    }

    @Test
    void outputsStayOnTheDeviceUntilReadAndALateReadGetsItsOwnRunsValues() {
        Graph g = sym.tanh(sym.fullyConnected(Symbol.var("x"), Symbol.var("w"), Symbol.var("b"), 3,
                Map.of("name", "fc")), Map.of("name", "act")).graph();
        CompileRequest r = new CompileRequest(g, List.of("x", "w", "b"), List.of(Shape.of(2, 4), Shape.of(3, 4),
                Shape.of(3)), List.of(DType.FLOAT32, DType.FLOAT32, DType.FLOAT32), false, List.of(), true, false, 1);
        CompiledGraph device = new TornadoBackend(TornadoOptions.fromSystemProperties()).compile(r);
        CompiledGraph cpu = Backends.get(Backends.JIT).compile(r);
        Random.seed(7);
        NDArray w = Random.uniform(-1, 1, 3, 4);
        NDArray b = Random.uniform(-1, 1, 3);
        NDArray x1 = Random.uniform(-1, 1, 2, 4);
        NDArray x2 = Random.uniform(-1, 1, 2, 4);
        NDArray first = device.infer(new NDArray[] {x1, w, b})[0];
        NDArray second = device.infer(new NDArray[] {x2, w, b})[0];
        assertThat(first.isPending()).isTrue();
        assertThat(second.isPending()).isTrue();
        assertThat(TornadoBackend.transfers(device).orElseThrow().downloads()).as("nothing read yet").isZero();
        NDArrayAssert.assertThat(second).isCloseTo(cpu.infer(new NDArray[] {x2, w, b})[0], 1e-5, 1e-6);
        NDArrayAssert.assertThat(first).as("read after the next run")
                .isCloseTo(cpu.infer(new NDArray[] {x1, w, b})[0], 1e-5, 1e-6);
        assertThat(TornadoBackend.transfers(device).orElseThrow().downloads()).isEqualTo(2);
    }
}
