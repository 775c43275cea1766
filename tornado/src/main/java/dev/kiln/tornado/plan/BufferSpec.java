package dev.kiln.tornado.plan;

import dev.kiln.ndarray.DType;

/**
 * One array of a device segment: its dtype and length, what it holds ({@link Role}) and a name for listings (the
 * value's node and output, or {@code scratch}).
 *
 * @param index    its index in the segment's buffer table (what {@code KernelArg.Buffer} refers to)
 * @param dtype    float32 or int32
 * @param elements how many elements
 * @param role     where its contents come from and go
 * @param name     the value it holds, for listings
 */
public record BufferSpec(int index, DType dtype, int elements, Role role, String name) {
    /** Where a buffer's contents come from and go. */
    public enum Role {
        /** A parameter or auxiliary state: sent when first run and again only after the host array changed. */
        PARAMETER,
        /** A value from the host (a graph input, or a value a host node or an earlier segment computed): each run. */
        INPUT,
        /** Computed and read on the device only. */
        INTERMEDIATE,
        /** Computed on the device and copied back to the host after each run. */
        OUTPUT,
        /** Working memory a kernel asked for. */
        SCRATCH
    }
}
