package dev.kiln.compiler;

/**
 * The reference backend: runs the graph node by node with each op's kernel ({@link dev.kiln.graph.Interpreter}),
 * with the forward and its gradient graph planned together so backward reads what the forward kept. No passes, no
 * buffer reuse: the baseline every optimising backend is compared with.
 */
public final class InterpreterBackend implements Backend {
    @Override
    public String name() {
        return Backends.INTERPRETER;
    }

    @Override
    public CompiledGraph compile(CompileRequest request) {
        return new InterpretedGraph(request, null);
    }

    /**
     * The request compiled as this backend compiles it, with the graph (forward and backward together) rewritten by
     * {@code lowering} before it runs node by node: how backends that rewrite the graph (the JIT) reuse the executor.
     */
    public static CompiledGraph interpret(CompileRequest request, GraphLowering lowering) {
        return new InterpretedGraph(request, lowering);
    }
}
