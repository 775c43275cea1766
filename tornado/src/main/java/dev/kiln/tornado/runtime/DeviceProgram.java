package dev.kiln.tornado.runtime;

/**
 * One device segment loaded on a device: its buffers live there between runs, so parameters need to be sent only
 * when they changed and intermediates never leave the device. Runs of one program are serialised.
 */
public interface DeviceProgram {
    /**
     * Runs the segment once.
     *
     * @param inputs per input binding of the segment (in order), the host's backing array ({@code float[]} or
     *               {@code int[]}) to send, or {@code null} for a parameter whose device copy is current
     * @return per output binding (in order) a new host array holding the value, then, per input binding marked
     *         write-back (in order), the device's updated contents
     */
    Object[] run(Object[] inputs);

    /**
     * {@link #run(Object[])}, but an output marked in {@code onDevice} is not copied back: its result is a
     * {@link DeviceMemory.OnDevice} holding a device-side copy that later segments bind. A program without shared
     * device memory copies every output back.
     */
    default Object[] run(Object[] inputs, boolean[] onDevice) {
        return run(inputs);
    }
}
