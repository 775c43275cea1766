package dev.kiln.compiler.exec;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.MemoryPlan;
import dev.kiln.compiler.jit.FusedElementwiseOp;
import dev.kiln.compiler.jit.JitKernels;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kiln.compiler.exec.ExecFixtures.request;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code CompiledGraph.generatedClasses()} and {@code bufferPlan()}: what a jit-compiled graph shows of itself. */
class GeneratedClassesTest {
    /** {@code exp(relu(x)) * 1.0625}: one fused group whose scalar no other test uses, so its kernel is new here. */
    private static Graph chain() {
        Symbol x = Symbol.var("x");
        Symbol y = sym.call("_mul_scalar", Map.of("name", "scale", "scalar", 1.0625),
                sym.call("exp", Map.of("name", "e"), sym.call("relu", Map.of("name", "r"), x)));
        return y.graph();
    }

    private static String simpleName(Class<?> hidden) {
        String name = hidden.getName();
        int slash = name.indexOf('/');
        name = slash < 0 ? name : name.substring(0, slash);
        return name.substring(name.lastIndexOf('.') + 1);
    }

    @Test
    void listsTheExecutorThenTheKernelOfEachFusedNodeAsTheBytesThatWereDefined(@TempDir Path dir) throws Exception {
        CompileRequest req = request(chain(), Map.of("x", Shape.of(2, 5)), false, false, false, false);
        System.setProperty(JitKernels.DUMP_PROPERTY, dir.toString());
        CompiledGraph g;
        try {
            g = Backends.get(Backends.JIT).compile(req);
        } finally {
            System.clearProperty(JitKernels.DUMP_PROPERTY);
        }
        Map<String, String> classes = g.generatedClasses();
        List<String> kernels = new ArrayList<>();
        for (var n : g.compiledGraph().nodes()) {
            if (n instanceof OpNode op && op.op() instanceof FusedElementwiseOp f) {
                kernels.add(simpleName(f.kernel().getClass()));
            }
        }
        String executor = ((GeneratedGraph) g).initial().generated().className();
        List<String> expected = new ArrayList<>();
        expected.add(executor.substring(executor.lastIndexOf('/') + 1));
        expected.addAll(kernels);
        assertThat(kernels).hasSize(1);
        assertThat(classes.keySet()).containsExactlyElementsOf(expected);
        for (String name : expected) {
            assertThat(classes.get(name)).isEqualTo(Files.readString(dir.resolve(name + ".txt")));
        }
        assertThat(classes.get(kernels.getFirst())).contains("LDC 1.0625");
    }

    @Test
    void theBufferPlanIsTheOneTheReportedMemoryPlanSummarises() {
        CompileRequest req = request(ExecFixtures.mlp(), Map.of("data", Shape.of(2, 10)), true, true, false, false);
        CompiledGraph g = Backends.get(Backends.JIT).compile(req);
        assertThat(g.bufferPlan()).isPresent();
        assertThat(MemoryPlan.planned(g.bufferPlan().orElseThrow())).isEqualTo(g.memoryPlan());
        assertThat(g.bufferPlan().orElseThrow().describe()).contains(" arena float32[");
    }

    /** {@code dense(data) + shift}: inference folds the shift into the bias, which the parameter stage computes. */
    @Test
    void aParameterStagedGraphShowsItsCompiledRest() {
        Symbol h = ExecFixtures.dense(Symbol.var("data"), "dense0_", 4);
        Graph shifted = sym.call("broadcast_add", Map.of("name", "shifted"), h, Symbol.var("shift")).graph();
        CompileRequest plain = request(shifted, Map.of("data", Shape.of(2, 10), "shift", Shape.of(4)), false, false,
                false, false);
        Set<String> params = new java.util.HashSet<>(plain.inputs());
        params.remove("data");
        CompileRequest req = new CompileRequest(plain.graph(), plain.inputs(), plain.shapes(), plain.dtypes(), false,
                List.of(), false, false, 1, params);
        CompiledGraph g = Backends.get(Backends.JIT).compile(req);
        assertThat(g).isNotInstanceOf(GeneratedGraph.class);
        assertThat(g.bufferPlan()).isPresent();
        assertThat(MemoryPlan.planned(g.bufferPlan().orElseThrow())).isEqualTo(g.memoryPlan());
        assertThat(g.generatedClasses().keySet().iterator().next()).startsWith("Graph_");
    }

    @Test
    void theInterpreterGeneratesNothing() {
        CompileRequest req = request(chain(), Map.of("x", Shape.of(2, 5)), false, false, false, false);
        CompiledGraph g = Backends.get(Backends.INTERPRETER_OPT).compile(req);
        assertThat(g.generatedClasses()).isEmpty();
        assertThat(g.bufferPlan()).isEmpty();
    }
}
