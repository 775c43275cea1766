package dev.kiln.compiler.memory;

import dev.kiln.graph.Entry;
import dev.kiln.ndarray.DType;

import java.util.ArrayList;
import java.util.List;

/** A buffer while the planner fills it: its capacity grows to its largest value, {@code refs} counts down reads. */
final class BufferDraft {
    final int id;
    final DType dtype;
    final Buffer.Role role;
    final List<Entry> values = new ArrayList<>();
    long elements;
    /** Reads (and holds) still to come of the values in the buffer; free again at 0. */
    int refs;

    BufferDraft(int id, DType dtype, Buffer.Role role) {
        this.id = id;
        this.dtype = dtype;
        this.role = role;
    }

    /** The storage type values must share to live here. */
    Class<?> storage() {
        return StorageKinds.of(dtype);
    }

    /** Puts a value of {@code n} elements in, growing the buffer to fit it. */
    void hold(Entry value, long n, int valueRefs) {
        values.add(value);
        elements = Math.max(elements, n);
        refs += valueRefs;
    }

    Buffer build() {
        return new Buffer(id, dtype, elements, role, values);
    }
}
