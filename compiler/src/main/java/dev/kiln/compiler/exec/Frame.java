package dev.kiln.compiler.exec;

import dev.kiln.ndarray.NDArray;

/**
 * The values of one run of a generated graph: one slot per node output ({@code entryOffsets()[node] + output}), and
 * the arena whose planned arrays the kernels write into.
 */
final class Frame {
    final NDArray[] values;
    final ExecArena arena;

    Frame(int slots, ExecArena arena) {
        this.values = new NDArray[slots];
        this.arena = arena;
    }
}
