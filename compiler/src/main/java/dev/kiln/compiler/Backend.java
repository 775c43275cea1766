package dev.kiln.compiler;

import dev.kiln.ndarray.Device;

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

    /**
     * Whether this backend runs graphs whose arrays live on {@code device}: the built-in backends run on the CPU
     * only; an accelerator backend says yes for {@code gpu(i)}, and {@link Backends#forDevice} picks it for arrays
     * there.
     */
    default boolean supports(Device device) {
        return device.kind() != Device.Kind.GPU;
    }
}
