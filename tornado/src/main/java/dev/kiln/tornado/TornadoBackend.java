package dev.kiln.tornado;

import dev.kiln.compiler.Backend;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.stage.ParameterStage;
import dev.kiln.ndarray.Device;
import dev.kiln.optimizer.DeviceUpdates;
import dev.kiln.tornado.plan.DevicePlan;
import dev.kiln.tornado.plan.NodeLowering;
import dev.kiln.tornado.runtime.DeviceMemory;
import dev.kiln.tornado.runtime.DeviceRuntime;
import dev.kiln.tornado.runtime.Runtimes;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The {@code tornado} compiler backend: graphs run on an accelerator through TornadoVM. It compiles as the JIT does
 * (passes, gradient graph, fusion), then runs maximal runs of nodes the device kernels support as device segments
 * (one TornadoVM task graph each: parameters sent once, inputs each call, intermediates kept on the device, outputs
 * copied back) and the rest on the host, when fallback is allowed. Inference requests compute parameter-only values
 * once on the host first ({@code ParameterStage}). Chosen for arrays on {@code gpu(i)}
 * ({@link Backends#forDevice}), by {@code HybridizeOptions.backend("tornado")} or {@code -Dkiln.compiler.backend=tornado}.
 * Without TornadoVM on the class path it runs graphs with the CPU JIT and logs a WARNING once.
 */
public final class TornadoBackend implements Backend {
    /** The name the backend is chosen by. */
    public static final String NAME = "tornado";

    private static final System.Logger LOG = System.getLogger(TornadoBackend.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    /** The device kernels per array flavour and mode; they cache their generated classes. */
    private static final Map<String, NodeLowering> KERNELS = new ConcurrentHashMap<>();
    /** The optimizer-update runner of each runtime's shared memory, registered with the trainer once. */
    private static final Map<DeviceMemory, DeviceUpdateRunner> UPDATE_RUNNERS = new ConcurrentHashMap<>();

    private final Supplier<TornadoOptions> options;
    private final DeviceRuntime fixedRuntime;
    private final NodeLowering fixedKernels;

    /** The backend {@link java.util.ServiceLoader} registers: options from the system properties at each compile. */
    public TornadoBackend() {
        this(TornadoOptions::fromSystemProperties, null, null);
    }

    /** A backend with fixed options. */
    public TornadoBackend(TornadoOptions options) {
        this(() -> options, null, null);
    }

    /** A backend on {@code runtime} lowering nodes with {@code kernels} (tests plug in their own). */
    public TornadoBackend(TornadoOptions options, DeviceRuntime runtime, NodeLowering kernels) {
        this(() -> options, runtime, kernels);
    }

    private TornadoBackend(Supplier<TornadoOptions> options, DeviceRuntime runtime, NodeLowering kernels) {
        this.options = options;
        this.fixedRuntime = runtime;
        this.fixedKernels = kernels;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Any device: {@code gpu(i)} arrays are what it is for, and a user may name it for CPU arrays too. */
    @Override
    public boolean supports(Device device) {
        return true;
    }

    @Override
    public CompiledGraph compile(CompileRequest request) {
        TornadoOptions o = options.get();
        Optional<DeviceRuntime> runtime = fixedRuntime != null ? Optional.of(fixedRuntime) : Runtimes.forOptions(o);
        if (runtime.isEmpty()) {
            String reason = "TornadoVM is not on the class path";
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "tornado backend: " + reason + "; hybridized graphs run on the"
                        + " CPU with the JIT. See docs/TORNADOVM.md to install TornadoVM and launch Kiln with it,"
                        + " or set -D" + TornadoOptions.RUNTIME_PROPERTY + "=" + TornadoOptions.EMULATION
                        + " to run the device kernels as Java");
            }
            return new HostGraph(Backends.get(Backends.JIT).compile(request), reason);
        }
        DeviceRuntime rt = runtime.get();
        rt.sharedMemory().ifPresent(m -> UPDATE_RUNNERS.computeIfAbsent(m, k -> {
            DeviceUpdateRunner r = new DeviceUpdateRunner(rt, k, rt.flavor());
            DeviceUpdates.register(r);
            return r;
        }));
        NodeLowering kernels = fixedKernels != null ? fixedKernels
                : KERNELS.computeIfAbsent(rt.flavor().name() + "/" + request.training(),
                        k -> NodeLowering.kernels(rt.flavor(), request.training()));
        return ParameterStage.compile(request, r -> new TornadoGraph(r, rt, kernels, o.fallback()));
    }

    /**
     * Where the nodes of a graph this backend compiled run, for the compiling call's shapes; empty for a graph the
     * backend did not place itself (one run by the JIT without TornadoVM, or behind an inference parameter stage).
     */
    public static Optional<DevicePlan> devicePlan(CompiledGraph graph) {
        return graph instanceof TornadoGraph t ? Optional.of(t.compiledPlacement().plan()) : Optional.empty();
    }

    /** What a graph this backend placed has transferred so far; empty as for {@link #devicePlan}. */
    public static Optional<TransferStats> transfers(CompiledGraph graph) {
        return graph instanceof TornadoGraph t ? Optional.of(t.transfers()) : Optional.empty();
    }

    /** The optimizer-update runner registered for {@code memory}, if any (tests). */
    static Optional<DeviceUpdateRunner> updateRunner(DeviceMemory memory) {
        return Optional.ofNullable(UPDATE_RUNNERS.get(memory));
    }

    /** Whether this JVM's log has said that TornadoVM is absent (for tests of the log-once rule). */
    static boolean warnedAbsent() {
        return WARNED.get();
    }
}
