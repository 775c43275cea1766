package dev.kiln.compiler.memory;

import dev.kiln.graph.Entry;
import dev.kiln.ndarray.DType;

import java.util.List;

/**
 * One buffer of a {@link BufferPlan}: a backing array of {@code elements} elements of {@code dtype}'s storage type,
 * and the values that live in it one after another (or, for in-place and identity outputs, hand over to each other at
 * one node), in the order they are computed. Values of other dtypes with the same Java storage type (uint8, int8 and
 * bool; float16 and bfloat16) may share it.
 *
 * @param id       the buffer's index in {@link BufferPlan#buffers()}
 * @param dtype    the dtype whose storage type the buffer has (that of its first value)
 * @param elements the capacity: the largest value it holds
 * @param role     whether it is allocated once or per run
 * @param values   the entries it holds, in node order
 */
public record Buffer(int id, DType dtype, long elements, Role role, List<Entry> values) {

    /** When an executor allocates a buffer. */
    public enum Role {
        /** Allocated once and reused by every run (static allocation). */
        ARENA,
        /** Holds a graph output handed to the caller, so allocated afresh for every run. */
        OUTPUT
    }

    public Buffer {
        values = List.copyOf(values);
    }

    /** The buffer's size in bytes. */
    public long bytes() {
        return elements * dtype.byteSize();
    }
}
