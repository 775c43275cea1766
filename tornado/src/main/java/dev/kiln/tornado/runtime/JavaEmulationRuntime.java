package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.kernel.KernelArg;
import dev.kiln.tornado.kernel.KernelLaunch;
import dev.kiln.tornado.plan.Binding;
import dev.kiln.tornado.plan.BufferSpec;
import dev.kiln.tornado.plan.Step;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Optional;

/**
 * The device as plain Java: each segment's kernel classes are defined from their bytes by a class loader and called
 * through method handles in launch order, on Java arrays that stand for device memory (kept between runs, so the
 * transfer plan is exercised as on a device). The {@code @Parallel} loops run sequentially. The test suite runs the
 * backend on it and compares with the CPU path; {@code -Dkiln.tornado.runtime=emulation} selects it.
 */
public final class JavaEmulationRuntime implements DeviceRuntime {
    /** The name {@code kiln.tornado.runtime} selects this runtime by. */
    public static final String NAME = "emulation";

    private final KernelLoader loader = new KernelLoader(JavaEmulationRuntime.class.getClassLoader());
    private final DeviceMemory shared = new DeviceMemory();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String device() {
        return "Java emulation (generated kernels as plain Java on the CPU, loops sequential)";
    }

    @Override
    public ArrayFlavor flavor() {
        return ArrayFlavor.HEAP;
    }

    /** Parameters and optimizer states live once in Java arrays every program binds ({@link DeviceMemory}). */
    @Override
    public Optional<DeviceMemory> sharedMemory() {
        return Optional.of(shared);
    }

    @Override
    public DeviceProgram load(Step.Segment segment) {
        Object[] memory = new Object[segment.buffers().size()];
        for (BufferSpec b : segment.buffers()) {
            memory[b.index()] = HostArrays.allocate(b);
        }
        List<KernelLaunch> launches = segment.launches();
        MethodHandle[] calls = new MethodHandle[launches.size()];
        Object[][] args = new Object[launches.size()][];
        for (int l = 0; l < calls.length; l++) {
            KernelLaunch launch = launches.get(l);
            MethodHandle mh = loader.kernel(launch.kernel());
            if (mh.type().parameterCount() != launch.args().size()) {
                throw new KilnException("launch '" + launch.label() + "': kernel " + launch.kernel().methodName()
                        + mh.type() + " takes " + mh.type().parameterCount() + " arguments, the launch passes "
                        + launch.args().size());
            }
            args[l] = arguments(launch, memory);
            calls[l] = spreader(mh);
        }
        return new Program(segment, memory, memory.clone(), calls, args, new Readbacks());
    }

    /**
     * Calls a kernel bound by {@link MethodHandle#asSpreader} to one {@code Object[]} of arguments; a failure names
     * the launch.
     */
    static void call(MethodHandle spread, Object[] args, KernelLaunch launch) {
        try {
            spread.invokeExact(args);
        } catch (RuntimeException | Error e) {
            throw new KilnException("kernel launch '" + launch.label() + "' failed: " + e, e);
        } catch (Throwable t) {
            throw new KilnException("kernel launch '" + launch.label() + "' failed", t);
        }
    }

    /** {@code kernel} taking its arguments as one {@code Object[]}, for {@link #call}. */
    static MethodHandle spreader(MethodHandle kernel) {
        return kernel.asSpreader(Object[].class, kernel.type().parameterCount())
                .asType(MethodType.methodType(void.class, Object[].class));
    }

    static Object[] arguments(KernelLaunch launch, Object[] memory) {
        Object[] a = new Object[launch.args().size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = switch (launch.args().get(i)) {
                case KernelArg.Buffer b -> memory[b.buffer()];
                case KernelArg.IntValue v -> v.value();
                case KernelArg.FloatValue v -> v.value();
                case KernelArg.FloatValues v -> v.values(); // read by the kernel at each call: its owner's values
            };
        }
        return a;
    }

    /**
     * A segment on the emulated device: its memory (its own buffers, {@code own}, or shared arrays bound in their
     * place for a run), its bound kernel calls, and the outputs of its last run not read yet, which stay in its
     * memory, as on a device, until the next run copies them aside.
     */
    private record Program(Step.Segment segment, Object[] memory, Object[] own, MethodHandle[] calls, Object[][] args,
                           Readbacks readbacks) implements DeviceProgram {
        @Override
        public synchronized Object[] run(Object[] inputs, boolean[] onDevice) {
            readbacks.completeAll();
            List<Binding> in = segment.inputs();
            for (int k = 0; k < inputs.length; k++) {
                if (inputs[k] instanceof DeviceMemory.OnDevice shared) {
                    bind(in.get(k).buffer(), shared.array());
                } else if (inputs[k] != null) {
                    bind(in.get(k).buffer(), own[in.get(k).buffer()]); // never write into a shared array
                    Object device = memory[in.get(k).buffer()];
                    HostArrays.copy(inputs[k], device, in.get(k).entry().toString());
                }
            }
            for (int l = 0; l < calls.length; l++) {
                call(calls[l], args[l], segment.launches().get(l));
            }
            return HostArrays.results(segment, memory, onDevice, readbacks);
        }

        /** Makes buffer {@code buffer} the shared device array {@code array} in memory and in every launch. */
        private void bind(int buffer, Object array) {
            if (memory[buffer] == array) {
                return;
            }
            Object old = memory[buffer];
            memory[buffer] = array;
            for (Object[] a : args) {
                for (int i = 0; i < a.length; i++) {
                    if (a[i] == old) {
                        a[i] = array;
                    }
                }
            }
        }
    }
}
