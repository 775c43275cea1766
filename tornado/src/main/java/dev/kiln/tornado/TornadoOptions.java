package dev.kiln.tornado;

import dev.kiln.KilnException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How the {@code tornado} backend runs: on which runtime, and whether nodes the device cannot run may run on the
 * host. The backend registered for {@code hybridize} reads them from system properties at each compilation
 * ({@link #fromSystemProperties()}).
 *
 * @param runtime  {@value #TORNADOVM} (TornadoVM when it is on the class path; the default) or {@value #EMULATION}
 *                 (the kernels as plain Java, for tests)
 * @param fallback whether nodes the device cannot run (an op without a device kernel, a float64 value, a random op)
 *                 run on the host with their CPU kernels; when false such a node fails the compilation
 * @param classDir the directory on the class path where kernel classes are written for TornadoVM, which reads a
 *                 kernel's bytecode through the system class loader; {@code null} when not set
 */
public record TornadoOptions(String runtime, boolean fallback, Path classDir) {
    /** The system property choosing the runtime ({@code tornadovm} or {@code emulation}). */
    public static final String RUNTIME_PROPERTY = "kiln.tornado.runtime";
    /** The system property allowing host fallback ({@code true} or {@code false}, default false). */
    public static final String FALLBACK_PROPERTY = "kiln.tornado.fallback";
    /** The system property naming the kernel class directory, which must be on the class path. */
    public static final String CLASS_DIR_PROPERTY = "kiln.tornado.classDir";
    /** The TornadoVM runtime's name. */
    public static final String TORNADOVM = "tornadovm";
    /** The Java emulation runtime's name. */
    public static final String EMULATION = "emulation";

    public TornadoOptions {
        runtime = runtime == null ? TORNADOVM : runtime.trim().toLowerCase(Locale.ROOT);
        if (!runtime.equals(TORNADOVM) && !runtime.equals(EMULATION)) {
            throw new KilnException("tornado backend: unknown runtime '" + runtime + "' (" + RUNTIME_PROPERTY
                    + "); expected " + TORNADOVM + " or " + EMULATION);
        }
    }

    /** The options the system properties give ({@value #RUNTIME_PROPERTY}, {@value #FALLBACK_PROPERTY}, ...). */
    public static TornadoOptions fromSystemProperties() {
        String dir = System.getProperty(CLASS_DIR_PROPERTY);
        String fb = System.getProperty(FALLBACK_PROPERTY, "false").trim();
        if (!fb.equalsIgnoreCase("true") && !fb.equalsIgnoreCase("false")) {
            throw new KilnException("tornado backend: " + FALLBACK_PROPERTY + " must be true or false, got '" + fb
                    + "'");
        }
        return new TornadoOptions(System.getProperty(RUNTIME_PROPERTY), Boolean.parseBoolean(fb),
                dir == null || dir.isBlank() ? null : Path.of(dir.trim()));
    }

    /** The Java emulation runtime, without fallback. */
    public static TornadoOptions emulation() {
        return new TornadoOptions(EMULATION, false, null);
    }

    /** These options with host fallback allowed or not. */
    public TornadoOptions withFallback(boolean allowed) {
        return new TornadoOptions(runtime, allowed, classDir);
    }
}
