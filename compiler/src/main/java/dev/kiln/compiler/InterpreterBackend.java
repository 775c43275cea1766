package dev.kiln.compiler;

import dev.kiln.compiler.pass.PassScope;
import dev.kiln.compiler.stage.ParameterStage;

/**
 * The reference backend: runs the graph node by node with each op's kernel ({@link dev.kiln.graph.Interpreter}),
 * with the forward and its gradient graph planned together so backward reads what the forward kept. No buffer reuse.
 * As {@code interpreter} it runs the graph as traced unless the system property {@code kiln.compiler.passes} asks for
 * passes ({@link PassScope}); as {@code interpreter-opt} it runs the standard pass pipeline on the forward and on the
 * forward and backward graph ({@link PassScope#FULL}).
 */
public final class InterpreterBackend implements Backend {
    private final String name;
    private final PassScope passes;

    /**
     * The reference interpreter, {@code interpreter}, with the passes {@code kiln.compiler.passes} names (none by
     * default).
     */
    public InterpreterBackend() {
        this(Backends.INTERPRETER, PassScope.fromProperty(PassScope.NONE));
    }

    /** An interpreter backend called {@code name} that runs the standard passes on {@code passes}. */
    public InterpreterBackend(String name, PassScope passes) {
        this.name = name;
        this.passes = passes;
    }

    @Override
    public String name() {
        return name;
    }

    /** Which graphs this backend optimises before running them. */
    public PassScope passes() {
        return passes;
    }

    /**
     * With passes, inference requests run behind a parameter stage ({@link ParameterStage}); the reference
     * ({@link PassScope#NONE}) runs the graph as traced.
     */
    @Override
    public CompiledGraph compile(CompileRequest request) {
        if (passes == PassScope.NONE) {
            return new InterpretedGraph(request, passes, null);
        }
        return ParameterStage.compile(request, r -> new InterpretedGraph(r, passes, null));
    }

    /**
     * The request compiled with the standard passes in {@code passes}' scope and then the graph (forward and backward
     * together) rewritten by {@code lowering} before it runs node by node: how backends that rewrite the graph (the
     * JIT) reuse the executor.
     */
    public static CompiledGraph interpret(CompileRequest request, PassScope passes, GraphLowering lowering) {
        return new InterpretedGraph(request, passes, lowering);
    }
}
