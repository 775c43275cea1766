package dev.kiln.tornado;

import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.MemoryPlan;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.NDArray;

import java.util.Map;
import java.util.Optional;

/**
 * A graph the {@code tornado} backend handed to the CPU JIT because no accelerator runtime is present; it says so in
 * {@link #executedBy()} (and so in {@code explain()}).
 */
record HostGraph(CompiledGraph jit, String reason) implements CompiledGraph {
    @Override
    public CompileRequest request() {
        return jit.request();
    }

    @Override
    public Execution run(NDArray[] inputs) {
        return jit.run(inputs);
    }

    @Override
    public NDArray[] infer(NDArray[] inputs) {
        return jit.infer(inputs);
    }

    @Override
    public Graph compiledGraph() {
        return jit.compiledGraph();
    }

    @Override
    public MemoryPlan memoryPlan() {
        return jit.memoryPlan();
    }

    @Override
    public Map<String, String> generatedClasses() {
        return jit.generatedClasses();
    }

    @Override
    public Optional<String> executedBy() {
        return Optional.of("jit on the CPU (" + reason + ")");
    }
}
