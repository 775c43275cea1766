package dev.kiln.tornado.runtime;

import dev.kiln.tornado.TornadoOptions;

import java.util.Optional;

/**
 * The device runtime the options name: the Java emulation, or TornadoVM when its classes are on the class path
 * (one instance per JVM, created on first use); empty when TornadoVM is asked for and absent.
 */
public final class Runtimes {
    private static final JavaEmulationRuntime EMULATION = new JavaEmulationRuntime();
    private static volatile TornadoVmRuntime tornado;

    private Runtimes() {
    }

    /** The runtime for {@code options}, or empty when TornadoVM is asked for and not present. */
    public static Optional<DeviceRuntime> forOptions(TornadoOptions options) {
        if (options.runtime().equals(TornadoOptions.EMULATION)) {
            return Optional.of(EMULATION);
        }
        if (!TornadoVmRuntime.isPresent()) {
            return Optional.empty();
        }
        TornadoVmRuntime t = tornado;
        if (t == null) {
            synchronized (Runtimes.class) {
                if (tornado == null) {
                    tornado = new TornadoVmRuntime(options);
                }
                t = tornado;
            }
        }
        return Optional.of(t);
    }
}
