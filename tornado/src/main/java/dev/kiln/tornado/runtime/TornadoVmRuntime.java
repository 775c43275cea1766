package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.tornado.TornadoOptions;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.kernel.KernelClass;
import dev.kiln.tornado.plan.Step;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Device segments on TornadoVM, reached through reflection ({@link TornadoApi}): each segment (and each optimizer
 * update) becomes one task graph (one task per kernel launch), and all of them share one execution plan on the
 * chosen device ({@link TornadoSession}), so parameters, states and kept values stay in device memory between them. TornadoVM reads a kernel's
 * bytecode through the system class loader, so the generated classes are written to {@code kiln.tornado.classDir},
 * a directory on the class path, and loaded from there. Unless host fallback is allowed, TornadoVM's bailout to
 * sequential Java is switched off ({@code tornado.recover.bailout=False}), so a kernel that does not compile for
 * the device fails with TornadoVM's reason.
 */
public final class TornadoVmRuntime implements DeviceRuntime {
    /** The name {@code kiln.tornado.runtime} selects this runtime by. */
    public static final String NAME = TornadoOptions.TORNADOVM;
    /** The system property choosing TornadoVM's device as {@code backend:device} (default TornadoVM's default). */
    public static final String DEVICE_PROPERTY = "kiln.tornado.device";
    /** The system property choosing the kernels' arrays: {@code heap} ({@code float[]}) or {@code native}. */
    public static final String ARRAYS_PROPERTY = "kiln.tornado.arrays";

    private static final String BYTECODE_SIZE_PROPERTY = "tornado.tvm.maxbytecodesize";

    private final Path classDir;
    private final ArrayFlavor flavor;
    private final int[] deviceIndex;
    private final Map<String, byte[]> written = new ConcurrentHashMap<>();
    private volatile TornadoApi api;
    private volatile Object device;
    private volatile TornadoSession session;
    private int graphs;

    TornadoVmRuntime(TornadoOptions options) {
        this.classDir = options.classDir();
        String arrays = System.getProperty(ARRAYS_PROPERTY, "heap").trim().toLowerCase(Locale.ROOT);
        this.flavor = switch (arrays) {
            case "heap" -> ArrayFlavor.HEAP;
            case "native" -> ArrayFlavor.TORNADO_NATIVE;
            default -> throw new KilnException(ARRAYS_PROPERTY + " must be heap or native, got '" + arrays + "'");
        };
        this.deviceIndex = parseDevice(System.getProperty(DEVICE_PROPERTY));
        if (!options.fallback() && System.getProperty("tornado.recover.bailout") == null) {
            System.setProperty("tornado.recover.bailout", "False");
        }
        if (System.getProperty(BYTECODE_SIZE_PROPERTY) == null) {
            // every task graph of the device's plan names every resident array: TornadoVM's default buffer for a
            // task graph's own bytecode (4096 bytes) overflows past about 60 of them, and the graph then bails out
            System.setProperty(BYTECODE_SIZE_PROPERTY, "262144");
        }
    }

    /** Whether TornadoVM's API is on the class path (or in the boot layer). */
    public static boolean isPresent() {
        return TornadoApi.present(ClassLoader.getSystemClassLoader());
    }

    private static int[] parseDevice(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] parts = text.trim().split(":");
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new KilnException(DEVICE_PROPERTY + " must be backend:device (e.g. 0:1), got '" + text + "'");
    }

    private TornadoApi api() {
        TornadoApi a = api;
        if (a == null) {
            synchronized (this) {
                if (api == null) {
                    ClassLoader system = ClassLoader.getSystemClassLoader();
                    api = new TornadoApi(system);
                    readModuleOf(system, TornadoApi.API + "TaskGraph");
                    device = api.device(deviceIndex);
                    session = new TornadoSession(api, device, flavor, this::kernel);
                }
                a = api;
            }
        }
        return a;
    }

    /** Lets this module (when it is a named one) read the module of {@code className}. */
    private static void readModuleOf(ClassLoader loader, String className) {
        try {
            Module other = Class.forName(className, false, loader).getModule();
            TornadoVmRuntime.class.getModule().addReads(other);
        } catch (ClassNotFoundException e) {
            throw new KilnException("TornadoVM class " + className + " vanished", e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String device() {
        TornadoApi a = api();
        return "TornadoVM " + a.describe(device);
    }

    /** Every device TornadoVM sees ({@code backend:device name (description)}). */
    public List<String> devices() {
        return api().devices();
    }

    @Override
    public ArrayFlavor flavor() {
        return flavor;
    }

    /**
     * The device's memory: parameters, auxiliary and optimizer states and kept forward values stay in TornadoVM's
     * device memory, shared by every task graph of the device's one execution plan ({@link TornadoSession}), and the
     * optimizer's update kernels run on it.
     */
    @Override
    public Optional<DeviceMemory> sharedMemory() {
        api();
        return Optional.of(session.memory());
    }

    /** Execution plans built so far for this device (each new task graph rebuilds it once). */
    public long planBuilds() {
        api();
        return session.builds();
    }

    /** Resident arrays (parameters, states, kept values) sent to the device so far, by plan builds and re-sends. */
    public long residentUploads() {
        api();
        return session.residentUploads();
    }

    @Override
    public DeviceProgram load(Step.Segment segment) {
        api();
        MethodHandle[] kernels = new MethodHandle[segment.launches().size()];
        for (int l = 0; l < kernels.length; l++) {
            kernels[l] = kernel(segment.launches().get(l).kernel());
        }
        String name;
        synchronized (this) {
            name = "kiln_s" + graphs++;
        }
        return new TornadoProgram(session, name, segment, kernels, flavor == ArrayFlavor.TORNADO_NATIVE);
    }

    /**
     * The class directory must be set, exist and be on the class path: TornadoVM reads kernel bytecode through the
     * system class loader, which sees only directories that existed when the JVM started.
     */
    private void checkClassDir() {
        String how = " (TornadoVM reads kernel bytecode through the system class loader; see docs/TORNADOVM.md)";
        if (classDir == null) {
            throw new KilnException("tornado backend: set -D" + TornadoOptions.CLASS_DIR_PROPERTY + " to a directory"
                    + " on the class path" + how);
        }
        if (!Files.isDirectory(classDir)) {
            throw new KilnException("tornado backend: the kernel class directory " + classDir + " ("
                    + TornadoOptions.CLASS_DIR_PROPERTY + ") does not exist; create it before the JVM starts and put"
                    + " it on the class path" + how);
        }
        Path dir = classDir.toAbsolutePath().normalize();
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Path.of(entry).toAbsolutePath().normalize().equals(dir)) {
                return;
            }
        }
        throw new KilnException("tornado backend: the kernel class directory " + classDir + " is not on the class"
                + " path; add it to -cp" + how);
    }

    /** The kernel's method, its class written to the class directory and loaded by the system class loader. */
    private MethodHandle kernel(KernelClass k) {
        checkClassDir();
        byte[] earlier = written.putIfAbsent(k.binaryName(), k.bytes());
        if (earlier != null && !Arrays.equals(earlier, k.bytes())) {
            throw new KilnException("two different kernel classes are named " + k.binaryName());
        }
        Path file = classDir.resolve(k.binaryName().replace('.', '/') + ".class");
        try {
            if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), k.bytes())) {
                Files.createDirectories(file.getParent());
                Files.write(file, k.bytes());
            }
            ClassLoader system = ClassLoader.getSystemClassLoader();
            Class<?> c = Class.forName(k.binaryName(), true, system);
            TornadoVmRuntime.class.getModule().addReads(c.getModule());
            MethodType type = MethodType.fromMethodDescriptorString(k.descriptor(), system);
            return MethodHandles.publicLookup().findStatic(c, k.methodName(), type);
        } catch (ClassNotFoundException e) {
            throw new KilnException("kernel class " + k.binaryName() + " was written to " + classDir + " but the"
                    + " system class loader cannot find it: is " + classDir + " on the class path (-cp)?", e);
        } catch (IOException | ReflectiveOperationException e) {
            throw new KilnException("kernel " + k.binaryName() + " cannot be loaded for TornadoVM: " + e, e);
        }
    }
}
