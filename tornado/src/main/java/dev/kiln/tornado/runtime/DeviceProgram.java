package dev.kiln.tornado.runtime;

import dev.kiln.tornado.plan.Step;

/**
 * One device segment loaded on a device: its buffers live there between runs, so parameters need to be sent only
 * when they changed and intermediates never leave the device. Runs of one program are serialised.
 */
public interface DeviceProgram {
    /** The segment this program runs. */
    Step.Segment segment();

    /**
     * Runs the segment once, no output kept on the device for later segments.
     *
     * @param inputs per input binding of the segment (in order), the host's backing array ({@code float[]} or
     *               {@code int[]}) to send, a {@link DeviceMemory.OnDevice} array to bind, or {@code null} for a
     *               parameter whose device copy is current
     * @return per output binding (in order) the value: a new host array holding it, or a {@link Readback} that
     *         copies it from the device when read (completed by the program before it runs again), then, per input
     *         binding marked write-back (in order), a new host array with the device's updated contents
     */
    default Object[] run(Object[] inputs) {
        return run(inputs, new boolean[segment().outputs().size()]);
    }

    /**
     * {@link #run(Object[])}, but an output marked in {@code onDevice} (later segments read it) is a
     * {@link DeviceMemory.OnDevice} holding a device-side value that later segments bind, and that the host reads
     * only if it needs the value too ({@link DeviceMemory#readback}).
     */
    Object[] run(Object[] inputs, boolean[] onDevice);
}
