package dev.kiln.tornado;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.testing.LogCapture;
import dev.kiln.tornado.runtime.TornadoVmRuntime;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Which runtime runs a graph: TornadoVM when present, else the CPU JIT with one warning; the options' checks. */
class DeviceChoiceTest {
    private static CompileRequest request() {
        Graph g = sym.tanh(sym.fullyConnected(Symbol.var("data"), Symbol.var("w"), Symbol.var("b"), 3,
                Map.of("name", "fc"))).graph();
        return new CompileRequest(g, List.of("data", "w", "b"), List.of(Shape.of(2, 4), Shape.of(3, 4), Shape.of(3)),
                List.of(DType.FLOAT32, DType.FLOAT32, DType.FLOAT32), false, List.of(), true, false, 1,
                Set.of("w", "b"));
    }

    @Test
    void withoutTornadoVmGraphsRunOnTheCpuJitAndTheLogSaysSoOnce() {
        assumeFalse(TornadoVmRuntime.isPresent(), "TornadoVM is present");
        boolean warnedBefore = TornadoBackend.warnedAbsent();
        List<LogRecord> records;
        try (LogCapture logs = LogCapture.of(TornadoBackend.class.getName())) {
            TornadoBackend backend = new TornadoBackend(new TornadoOptions(TornadoOptions.TORNADOVM, false, null));
            CompiledGraph first = backend.compile(request());
            CompiledGraph second = backend.compile(request());
            assertThat(first.executedBy()).hasValue("jit on the CPU (TornadoVM is not on the class path)");
            assertThat(second.executedBy()).isEqualTo(first.executedBy());
            assertThat(TornadoBackend.devicePlan(first)).isEmpty();
            Random.seed(1);
            NDArray[] in = {Random.uniform(-1, 1, 2, 4), Random.uniform(-1, 1, 3, 4), Random.uniform(-1, 1, 3)};
            assertThat(first.infer(in)[0]).isCloseTo(Backends.get(Backends.JIT).compile(request()).infer(in)[0], 0, 0);
            records = logs.records();
        }
        assertThat(TornadoBackend.warnedAbsent()).isTrue();
        assertThat(records).hasSize(warnedBefore ? 0 : 1);
        records.forEach(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("TornadoVM is not on the class path", "CPU with the JIT",
                    "docs/TORNADOVM.md");
        });
    }

    @Test
    void optionsComeFromSystemPropertiesAndBadValuesAreNamed() {
        assertThat(new TornadoOptions(null, false, null).runtime()).isEqualTo(TornadoOptions.TORNADOVM);
        assertThat(new TornadoOptions(" Emulation ", true, null).runtime()).isEqualTo(TornadoOptions.EMULATION);
        assertThatThrownBy(() -> new TornadoOptions("cuda", false, null))
                .hasMessageContaining("unknown runtime 'cuda'").hasMessageContaining("kiln.tornado.runtime");
        String old = System.setProperty(TornadoOptions.FALLBACK_PROPERTY, "yes");
        try {
            assertThatThrownBy(TornadoOptions::fromSystemProperties)
                    .hasMessageContaining("kiln.tornado.fallback must be true or false, got 'yes'");
            System.setProperty(TornadoOptions.FALLBACK_PROPERTY, "TRUE");
            assertThat(TornadoOptions.fromSystemProperties().fallback()).isTrue();
        } finally {
            if (old == null) {
                System.clearProperty(TornadoOptions.FALLBACK_PROPERTY);
            } else {
                System.setProperty(TornadoOptions.FALLBACK_PROPERTY, old);
            }
        }
    }
}
