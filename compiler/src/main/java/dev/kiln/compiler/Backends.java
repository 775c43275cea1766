package dev.kiln.compiler;

import dev.kiln.KilnException;
import dev.kiln.compiler.jit.JitBackend;
import dev.kiln.compiler.pass.PassScope;

import dev.kiln.ndarray.Device;

import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The compiler backends by name: the built-in {@code interpreter} (the reference execution, node by node),
 * {@code interpreter-opt} (the same after the standard passes, {@link dev.kiln.compiler.pass.PassPipeline}), the
 * {@code jit} (the passes, then fused elementwise kernels generated as JVM bytecode), and any
 * {@link Backend} a jar on the class path declares in {@code META-INF/services/dev.kiln.compiler.Backend}. Hybridized
 * blocks use {@link #defaultName()} unless their options name another.
 */
public final class Backends {
    /** The reference interpreter's name. */
    public static final String INTERPRETER = "interpreter";
    /** The JVM bytecode JIT's name ({@link JitBackend}). */
    public static final String JIT = "jit";
    /** The interpreter running the standard passes on the forward and backward graphs. */
    public static final String INTERPRETER_OPT = "interpreter-opt";

    /** The system property naming the default backend ({@code -Dkiln.compiler.backend=interpreter}). */
    public static final String DEFAULT_PROPERTY = "kiln.compiler.backend";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    /** The devices {@link #forDevice} found no backend for and has warned about. */
    private static final Set<Device> WARNED = ConcurrentHashMap.newKeySet();

    private static volatile Map<String, Backend> all;

    private Backends() {
    }

    /**
     * The backend hybridize uses when the options name none: the system property {@value #DEFAULT_PROPERTY} if set
     * (e.g. {@code interpreter} to run every graph as traced with the reference), else the JIT.
     */
    public static String defaultName() {
        String chosen = System.getProperty(DEFAULT_PROPERTY);
        return chosen == null || chosen.isBlank() ? JIT : chosen.trim();
    }

    /** The backend called {@code name}; an unknown name is an error listing the known ones. */
    public static Backend get(String name) {
        Backend b = available().get(name);
        if (b == null) {
            throw new KilnException("unknown compiler backend '" + name + "'; available: " + available().keySet());
        }
        return b;
    }

    /**
     * The backend that runs a graph whose arrays live on {@code device}: {@code requested} when it supports the
     * device ({@link Backend#supports}), else the first available backend that does (an accelerator backend for
     * {@code gpu(i)}, found through {@link ServiceLoader}); when none does, {@code requested} runs the graph on the
     * CPU, and a WARNING says so once per device.
     */
    public static Backend forDevice(Device device, Backend requested) {
        if (requested.supports(device)) {
            return requested;
        }
        for (Backend b : available().values()) {
            if (b.supports(device)) {
                return b;
            }
        }
        if (WARNED.add(device)) {
            LOG.log(System.Logger.Level.WARNING, "no compiler backend for arrays on " + device
                    + " (an accelerator backend such as kiln-tornado is not on the class path): running on the CPU"
                    + " with the '" + requested.name() + "' backend");
        }
        return requested;
    }

    /** Every backend by name, the built-in ones first. */
    public static Map<String, Backend> available() {
        Map<String, Backend> m = all;
        if (m == null) {
            Map<String, Backend> found = new LinkedHashMap<>();
            found.put(INTERPRETER, new InterpreterBackend());
            found.put(INTERPRETER_OPT, new InterpreterBackend(INTERPRETER_OPT, PassScope.FULL));
            found.put(JIT, new JitBackend());
            for (Backend b : ServiceLoader.load(Backend.class)) {
                found.putIfAbsent(b.name(), b);
            }
            m = java.util.Collections.unmodifiableMap(found);
            all = m;
        }
        return m;
    }
}
