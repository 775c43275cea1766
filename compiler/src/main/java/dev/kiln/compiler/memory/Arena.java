package dev.kiln.compiler.memory;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Storage;

import java.util.HashMap;
import java.util.Map;

/**
 * The buffers of one {@link BufferPlan}, allocated for one executor: the arena buffers once, for every run (static
 * allocation), and the graph-output buffers afresh at each {@link #nextRun}, so outputs handed to a caller are never
 * overwritten by a later run. Values whose size equals their buffer's can be used as arrays of their own shape
 * ({@link #value}); others occupy the first elements of {@link #storage}. Not thread-safe: one arena per executing
 * thread, and a run's values (those a backward reads included) are valid until the next run starts.
 */
public final class Arena {
    private final BufferPlan plan;
    private final Object[] arrays;
    /** Views handed out by {@link #value}, made on first request: a run renews output buffers without touching it. */
    private final Map<Entry, NDArray> views = new HashMap<>();

    Arena(BufferPlan plan) {
        this.plan = plan;
        this.arrays = new Object[plan.buffers().size()];
        for (Buffer b : plan.buffers()) {
            allocate(b);
        }
    }

    private void allocate(Buffer b) {
        if (b.elements() > Integer.MAX_VALUE) {
            throw new KilnException("memory plan: buffer " + b.id() + " needs " + b.elements() + " elements, more than"
                    + " a Java array holds; first value " + plan.graph().node(b.values().get(0).node()).name());
        }
        arrays[b.id()] = Storage.allocate(b.dtype(), (int) b.elements());
    }

    /** The plan these buffers follow. */
    public BufferPlan plan() {
        return plan;
    }

    /** Starts a run: the graph-output buffers are replaced by new arrays; the arena buffers stay. */
    public void nextRun() {
        for (Buffer b : plan.buffers()) {
            if (b.role() == Buffer.Role.OUTPUT) {
                allocate(b);
            }
        }
    }

    /**
     * Replaces graph-output buffer {@code id} by a new array, as {@link #nextRun} does for all of them: for an executor
     * that knows which output buffers a run actually wrote (the others need no new array).
     */
    public void renew(int id) {
        Buffer b = plan.buffers().get(id);
        if (b.role() != Buffer.Role.OUTPUT) {
            throw new KilnException("memory plan: buffer " + id + " is not a graph-output buffer; only those are "
                    + "renewed");
        }
        allocate(b);
    }

    /** The backing array of buffer {@code id} ({@code float[]} for float32, ...; see {@link Storage}). */
    public Object storage(int id) {
        return arrays[id];
    }

    /** The backing array holding {@code e}, which occupies its first elements. */
    public Object storage(Entry e) {
        int b = plan.bufferOf(e);
        if (b < 0) {
            throw new KilnException("memory plan: " + describe(e) + " has no planned buffer ("
                    + (b == BufferPlan.EXTERNAL ? "a variable, the caller's" : "shape or dtype unknown") + ")");
        }
        return arrays[b];
    }

    /**
     * {@code e} as an array of its own shape and dtype over its buffer; the same array object for every run (for a
     * graph output, until {@link #nextRun}). Only for values as large as their buffer: plan with
     * {@link PlanOptions#exactSizes()} to view every value.
     */
    public NDArray value(Entry e) {
        Object array = storage(e);
        NDArray v = views.get(e);
        if (v != null && v.data() == array) {
            return v;
        }
        if (plan.shape(e).sizeLong() != Storage.length(array)) {
            throw new KilnException("memory plan: " + describe(e) + " has " + plan.shape(e).sizeLong()
                    + " elements but its buffer " + plan.bufferOf(e) + " holds " + Storage.length(array)
                    + "; plan with exact sizes to use every value as an array of its own shape");
        }
        v = NDArray.wrap(plan.shape(e), plan.dtype(e), Device.cpu(), array);
        views.put(e, v);
        return v;
    }

    private String describe(Entry e) {
        return "value " + e + " of node '" + plan.graph().node(e.node()).name() + "'";
    }
}
