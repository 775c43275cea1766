package dev.kiln.kernel.simd;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Whether the incubating Vector API ({@code jdk.incubator.vector}) can be used by Kiln's kernels, decided once per
 * JVM. Kernels pick their SIMD path only when {@link #isAvailable()} is true and otherwise run scalar code that never
 * touches a Vector API class. The check loads a probe class reflectively, so a JVM started without
 * {@code --add-modules jdk.incubator.vector} gets a single log line naming that option instead of a linkage error.
 * Setting {@code -Dkiln.vector=false} forces the scalar paths (for comparisons and tests).
 */
public final class VectorSupport {
    /** The JVM option that makes the Vector API visible. */
    public static final String JVM_OPTION = "--add-modules jdk.incubator.vector";

    private static final System.Logger LOG = System.getLogger(VectorSupport.class.getName());
    private static final int FLOAT_LANES = probe();

    private VectorSupport() {
    }

    /** True if the Vector API is present, enabled and wider than one float lane. */
    public static boolean isAvailable() {
        return FLOAT_LANES > 1;
    }

    /** Floats per preferred vector (16 with AVX-512, 8 with AVX2), or 1 when the Vector API is not used. */
    public static int floatLanes() {
        return Math.max(1, FLOAT_LANES);
    }

    /** A one-line description for logs and benchmark reports. */
    public static String describe() {
        return isAvailable()
                ? "Vector API, " + FLOAT_LANES + " float lanes (" + FLOAT_LANES * 32 + "-bit vectors)"
                : "scalar fallback (Vector API not in use; run the JVM with " + JVM_OPTION + ")";
    }

    private static int probe() {
        if ("false".equalsIgnoreCase(System.getProperty("kiln.vector", "true").trim())) {
            LOG.log(Level.DEBUG, "kiln.vector=false: Kiln kernels use their scalar paths");
            return 0;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.log(Level.WARNING, "The Vector API is not available, so Kiln's matrix kernels run a slow scalar "
                    + "fallback. Start the JVM with " + JVM_OPTION + " to restore full speed.");
            return 0;
        }
        try {
            Class<?> probe = Class.forName(VectorSupport.class.getPackageName() + ".VectorProbe");
            Method lanes = probe.getDeclaredMethod("floatLanes");
            lanes.setAccessible(true);
            return (Integer) lanes.invoke(null);
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            LOG.log(Level.WARNING, "The Vector API could not be loaded (" + cause + "), so Kiln's matrix kernels "
                    + "run a slow scalar fallback. Start the JVM with " + JVM_OPTION + " to restore full speed.");
            return 0;
        }
    }
}
