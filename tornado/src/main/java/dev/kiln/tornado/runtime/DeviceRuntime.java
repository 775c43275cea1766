package dev.kiln.tornado.runtime;

import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.plan.Step;

import java.util.Optional;

/**
 * Runs device segments: {@link JavaEmulationRuntime} runs the generated kernel classes as plain Java (the test
 * suite's device), {@link TornadoVmRuntime} hands them to TornadoVM, which compiles them for an OpenCL, PTX or SPIR-V
 * device.
 */
public interface DeviceRuntime {
    /** The runtime's name, as {@code kiln.tornado.runtime} selects it: {@code emulation} or {@code tornadovm}. */
    String name();

    /** The device segments run on, in words. */
    String device();

    /** How the kernels this runtime runs access arrays. */
    ArrayFlavor flavor();

    /**
     * The segment ready to run: kernels loaded or compiled for the device, device buffers allocated. A kernel the
     * device cannot compile is an error carrying the runtime's own reason.
     */
    DeviceProgram load(Step.Segment segment);

    /**
     * The memory every program of this runtime shares, when it has one: parameters and optimizer states live there
     * once for all segments, and the optimizer's update kernels run on it. Empty when each program keeps its own
     * buffers (then parameters are sent to each program, and updated on the host).
     */
    default Optional<DeviceMemory> sharedMemory() {
        return Optional.empty();
    }
}
