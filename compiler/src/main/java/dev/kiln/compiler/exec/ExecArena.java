package dev.kiln.compiler.exec;

import dev.kiln.compiler.memory.Arena;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.OutputPlan;

import java.util.Arrays;

/**
 * One {@link Arena} of a specialisation as its steps use it: the planned output arrays kernels get from
 * {@code Invocation.newOutput} (cleared only when a buffer already held a value, never when the value overwrites its
 * input or its op fills its outputs), and the check that keeps a kernel's own output from aliasing a buffer the plan
 * will reuse. Not thread-safe: one run at a time.
 */
final class ExecArena {
    private final ArenaLayout layout;
    private final Arena arena;
    /** Per slot, the planned array handed to the kernel, or null. */
    private final NDArray[] views;
    /** Per buffer, true once a value was written to it since it was allocated. */
    private final boolean[] dirty;
    /** Per buffer, whether the current {@link #nextRun} renewed it (scratch, kept to not allocate per run). */
    private final boolean[] renewed;
    /** Per node, the function its invocation's {@code newOutput} asks, made on first use. */
    private final OutputPlan[] outputs;
    /** Per slot, a caller's array handed to the kernel instead of the planned one ({@link #redirect}), or null. */
    private final NDArray[] redirects;
    /** True until the first run: the buffers are as allocated, output buffers included. */
    private boolean fresh = true;

    ExecArena(ArenaLayout layout) {
        this.layout = layout;
        this.arena = layout.plan.allocate();
        this.views = new NDArray[layout.buffer.length];
        this.dirty = new boolean[layout.outputBuffer.length];
        this.renewed = new boolean[layout.outputBuffer.length];
        this.outputs = new OutputPlan[layout.rowPtr.length - 1];
        this.redirects = new NDArray[layout.buffer.length];
        refreshViews(null);
    }

    /**
     * Starts a run (or a backward): graph-output buffers written since they were allocated get new arrays, so outputs
     * handed out earlier are never written again. The others were never handed out and stay: a training step's
     * forward leaves the gradient buffers alone, so each output buffer is renewed once per step, not per part.
     */
    void nextRun() {
        if (fresh) {
            fresh = false;
            return;
        }
        boolean[] renewed = this.renewed;
        for (int b = 0; b < dirty.length; b++) {
            renewed[b] = false;
            if (layout.outputBuffer[b] && dirty[b]) {
                arena.renew(b);
                renewed[b] = true;
                dirty[b] = false;
            }
        }
        refreshViews(renewed);
    }

    /** Wraps the planned arrays of the handed slots in the buffers {@code only} marks, or of every one if null. */
    private void refreshViews(boolean[] only) {
        for (int s = 0; s < views.length; s++) {
            if (layout.handed[s] && (only == null || only[layout.buffer[s]])) {
                views[s] = NDArray.wrap(layout.shapes[s], layout.types[s], Device.cpu(),
                        arena.storage(layout.buffer[s]));
            }
        }
    }

    /**
     * What {@code newOutput} of node {@code node}'s invocation returns per output index, and which of its outputs
     * nothing reads.
     */
    OutputPlan outputsOf(int node) {
        OutputPlan f = outputs[node];
        if (f == null) {
            int first = layout.rowPtr[node];
            f = new OutputPlan() {
                @Override
                public NDArray apply(int k) {
                    return output(first + k);
                }

                @Override
                public boolean isUnused(int k) {
                    return layout.unused[first + k];
                }
            };
            outputs[node] = f;
        }
        return f;
    }

    /**
     * The planned array of slot {@code s}, cleared if its buffer held an earlier value (unless its kernel writes every
     * element anyway); null for none.
     */
    private NDArray output(int s) {
        NDArray r = redirects[s];
        if (r != null) {
            if (!layout.uncleared[s]) {
                clear(r.data());
            }
            return r;
        }
        NDArray v = views[s];
        if (v == null) {
            return null;
        }
        int b = layout.buffer[s];
        if (dirty[b] && !layout.uncleared[s]) {
            clear(v.data());
        }
        dirty[b] = true;
        return v;
    }

    /**
     * Until {@link #endRedirects}, hands the kernel of slot {@code s} (a {@link ArenaLayout#redirectable} slot)
     * {@code into}, of the value's shape and dtype, instead of its planned array: a backward then writes a gradient
     * straight into the caller's gradient buffer, and the planned buffer stays unwritten (no new array next run).
     */
    void redirect(int s, NDArray into) {
        redirects[s] = into;
    }

    /** Hands kernels their planned arrays again. */
    void endRedirects() {
        Arrays.fill(redirects, null);
    }

    /**
     * Input {@code in} (at slot {@code inSlot}) relabelled as slot {@code s}'s value, sharing its array, when the
     * plan put both values in one buffer as an identity and {@code in} really lives there; null otherwise (the
     * kernel then runs). Nothing writes an identity's buffer, so the shared array needs no clearing.
     */
    NDArray share(int s, int inSlot, NDArray in, Shape shape, DType type) {
        int b = layout.buffer[s];
        if (b < 0 || layout.buffer[inSlot] != b || in == null || in.data() != arena.storage(b)) {
            return null;
        }
        return NDArray.wrap(shape, type, Device.cpu(), in.data());
    }

    /**
     * The value to keep for slot {@code s} given the kernel's output {@code o} for inputs {@code in} (at slots
     * {@code inSlots}). A kernel that returned an input, or a view of it, living in a buffer the plan reuses (and
     * that the plan did not mean the value to share) has its output copied into the value's planned array, or into a
     * new one, as a later value may overwrite that buffer. Checking the inputs suffices: an alias is copied at the
     * node that made it, so no value ever aliases another's reused buffer.
     */
    NDArray settle(int s, NDArray o, NDArray[] in, int[] inSlots) {
        Object data = o.data();
        int b = layout.buffer[s];
        if (b >= 0 && data == arena.storage(b)) {
            return o;
        }
        for (int k = 0; k < in.length; k++) {
            if (in[k].data() == data && layout.inReusedBuffer(inSlots[k])) {
                return copy(s, o);
            }
        }
        return o;
    }

    private NDArray copy(int s, NDArray o) {
        NDArray v = views[s];
        if (v != null && v.shape().equals(o.shape()) && v.dtype() == o.dtype()) {
            System.arraycopy(o.data(), 0, v.data(), 0, o.size());
            dirty[layout.buffer[s]] = true;
            return v;
        }
        return NDArray.wrap(o.shape(), o.dtype(), o.device(), Storage.copyOf(o.data()));
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
