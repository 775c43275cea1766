package dev.kiln.compiler.exec;

import dev.kiln.compiler.memory.Arena;
import dev.kiln.compiler.memory.Buffer;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Storage;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * One {@link Arena} of a specialisation as its steps use it: the planned output arrays kernels get from
 * {@code Invocation.newOutput} (cleared only when a buffer already held a value, never when the value overwrites its
 * input), and the check that keeps a kernel's own output from aliasing a buffer the plan will reuse. Not thread-safe:
 * one run at a time.
 */
final class ExecArena {
    private final ArenaLayout layout;
    private final Arena arena;
    /** Per slot, the planned array handed to the kernel, or null. */
    private final NDArray[] views;
    /** Per buffer, true once a value was written to it since it was allocated. */
    private final boolean[] dirty;
    /** The arrays of the buffers allocated once, which later values reuse. */
    private final Set<Object> reused = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Per node, the function its invocation's {@code newOutput} asks. */
    private final IntFunction<NDArray>[] outputs;
    /** True until the first run: the buffers are as allocated, output buffers included. */
    private boolean fresh = true;

    @SuppressWarnings("unchecked")
    ExecArena(ArenaLayout layout) {
        this.layout = layout;
        this.arena = layout.plan.allocate();
        this.views = new NDArray[layout.buffer.length];
        this.dirty = new boolean[layout.outputBuffer.length];
        for (Buffer b : layout.plan.buffers()) {
            if (b.role() == Buffer.Role.ARENA) {
                reused.add(arena.storage(b.id()));
            }
        }
        Graph graph = layout.plan.graph();
        outputs = new IntFunction[graph.size()];
        for (int i = 0; i < graph.size(); i++) {
            int first = layout.rowPtr[i];
            outputs[i] = k -> output(first + k);
        }
        refreshViews(false);
    }

    /** Starts a run: graph-output buffers get new arrays, so outputs handed out earlier are never written again. */
    void nextRun() {
        if (fresh) {
            fresh = false;
            return;
        }
        arena.nextRun();
        refreshViews(true);
    }

    private void refreshViews(boolean outputsOnly) {
        Graph graph = layout.plan.graph();
        for (int i = 0; i < graph.size(); i++) {
            for (int k = 0; k < graph.node(i).numOutputs(); k++) {
                int s = layout.rowPtr[i] + k;
                if (layout.handed[s] && (!outputsOnly || layout.outputBuffer[layout.buffer[s]])) {
                    views[s] = arena.value(new Entry(i, k));
                }
            }
        }
        for (int b = 0; b < dirty.length; b++) {
            if (layout.outputBuffer[b]) {
                dirty[b] = false;
            }
        }
    }

    /** What {@code newOutput} of node {@code node}'s invocation returns per output index. */
    IntFunction<NDArray> outputsOf(int node) {
        return outputs[node];
    }

    /** The planned array of slot {@code s}, cleared if its buffer held an earlier value; null for none. */
    private NDArray output(int s) {
        NDArray v = views[s];
        if (v == null) {
            return null;
        }
        int b = layout.buffer[s];
        if (dirty[b] && !layout.overwrites[s]) {
            clear(v.data());
        }
        dirty[b] = true;
        return v;
    }

    /**
     * The value to keep for slot {@code s} given the kernel's output {@code o}. A kernel that returned a view of a
     * reused buffer other than the value's own (an input's, which a later value may overwrite) has its output copied
     * into the value's planned array, or into a new one.
     */
    NDArray settle(int s, NDArray o) {
        Object data = o.data();
        int b = layout.buffer[s];
        if (b >= 0 && data == arena.storage(b) || !reused.contains(data)) {
            return o;
        }
        NDArray v = views[s];
        if (v != null && v.shape().equals(o.shape()) && v.dtype() == o.dtype()) {
            System.arraycopy(data, 0, v.data(), 0, o.size());
            dirty[b] = true;
            return v;
        }
        return NDArray.wrap(o.shape(), o.dtype(), o.device(), Storage.copyOf(data));
    }

    private static void clear(Object data) {
        switch (data) {
            case float[] a -> Arrays.fill(a, 0f);
            case double[] a -> Arrays.fill(a, 0d);
            case int[] a -> Arrays.fill(a, 0);
            case long[] a -> Arrays.fill(a, 0L);
            case short[] a -> Arrays.fill(a, (short) 0);
            case byte[] a -> Arrays.fill(a, (byte) 0);
            case boolean[] a -> Arrays.fill(a, false);
            default -> throw new IllegalStateException("unknown storage " + data.getClass());
        }
    }
}
