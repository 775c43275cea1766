package dev.kiln.compiler;

/**
 * Turns a graph into something that runs: the reference interpreter ({@code interpreter}), the JVM bytecode JIT, or
 * an accelerator backend found through {@link java.util.ServiceLoader}. Hybridized blocks pick one by name
 * ({@link Backends#get}); each compiles a {@link CompileRequest} once per input signature.
 */
public interface Backend {
    /** The name users choose this backend by ({@code interpreter}). */
    String name();

    /** Compiles the request's graph (and, when it asks for gradients, its backward) for the request's inputs. */
    CompiledGraph compile(CompileRequest request);
}
